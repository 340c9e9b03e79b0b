package inventory_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// The test collectors exercise the three recording shapes: a global list
// call, a per-resource call (with a policy document the CLI prints
// decoded), and a regional list call.
func init() {
	inventory.Register(&inventory.Collector{
		Name: "test-iam-roles", Global: true, ResourceTypes: []string{"AWS::IAM::Role"},
		Permissions: []string{"iam:ListRoles", "iam:GetRolePolicy", "iam:ListRolePolicies"},
		Collect: func(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
			out, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-roles"}, func(ctx context.Context) (*iam.ListRolesOutput, error) {
				return iam.NewFromConfig(s.AWS).ListRoles(ctx, &iam.ListRolesInput{})
			})
			if err != nil {
				s.Gap("AWS::IAM::Role", err)
				return nil, nil
			}
			var items []*inventory.Item
			for _, r := range out.Roles {
				it := s.NewItem("AWS::IAM::Role", aws.ToString(r.RoleId), aws.ToString(r.RoleName), aws.ToString(r.Arn), r)
				name := aws.ToString(r.RoleName)
				pols, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-role-policies", Resource: name}, func(ctx context.Context) (*iam.ListRolePoliciesOutput, error) {
					return iam.NewFromConfig(s.AWS).ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: &name})
				})
				if err != nil {
					it.Errors = append(it.Errors, *err.(*inventory.CallError))
				} else {
					var docs []any
					for _, p := range pols.PolicyNames {
						p := p
						doc, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "get-role-policy", Resource: name + "/" + p}, func(ctx context.Context) (*iam.GetRolePolicyOutput, error) {
							return iam.NewFromConfig(s.AWS).GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &name, PolicyName: &p})
						})
						if err != nil {
							it.Errors = append(it.Errors, *err.(*inventory.CallError))
							continue
						}
						docs = append(docs, inventory.PolicyDoc(aws.ToString(doc.PolicyDocument)))
					}
					it.SupplementaryConfiguration = map[string]json.RawMessage{"InlinePolicies": inventory.ConfigJSON(docs)}
				}
				items = append(items, it)
			}
			return items, nil
		},
	})
	inventory.Register(&inventory.Collector{
		Name: "test-ec2-sgs", ResourceTypes: []string{"AWS::EC2::SecurityGroup"},
		Permissions: []string{"ec2:DescribeSecurityGroups"},
		Collect: func(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
			out, err := inventory.Call(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-security-groups"}, func(ctx context.Context) (*ec2.DescribeSecurityGroupsOutput, error) {
				return ec2.NewFromConfig(s.AWS).DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
			})
			if err != nil {
				return nil, err
			}
			var items []*inventory.Item
			for _, g := range out.SecurityGroups {
				items = append(items, s.NewItem("AWS::EC2::SecurityGroup", aws.ToString(g.GroupId), aws.ToString(g.GroupName), "", g))
			}
			return items, nil
		},
	})
}

const account = "123456789012"

var now = time.Date(2026, 11, 2, 3, 4, 5, 0, time.UTC)

func seed(t *testing.T, cfg aws.Config) {
	t.Helper()
	ctx := t.Context()
	c := iam.NewFromConfig(cfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole"}]}`
	for _, name := range []string{"audit", "deploy"} {
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: &trust}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deploy"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		rc := cfg.Copy()
		rc.Region = region
		e := ec2.NewFromConfig(rc)
		sg, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("web-" + region), Description: aws.String("web")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
			IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), CidrIp: aws.String("0.0.0.0/0")})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func motoConfig(t *testing.T) (string, aws.Config, awsapi.Options) {
	endpoint := awsfake.StartMoto(t)
	o := awsapi.Options{Region: "us-east-1", EndpointURL: endpoint}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	return endpoint, cfg, o
}

var regions = []string{"eu-west-1", "us-east-1"}

func collectors() []string { return []string{"test-iam-roles", "test-ec2-sgs"} }

// items drops what legitimately differs between a live run and a replay.
var itemOpts = cmp.Options{cmpopts.IgnoreUnexported(inventory.Item{}), cmpopts.EquateEmpty(),
	cmp.Transformer("conf", func(m json.RawMessage) any { var v any; json.Unmarshal(m, &v); return v })}

// TestRecordReplay collects live from moto while recording, replays the
// recording with no AWS configuration at all, and requires identical items.
func TestRecordReplay(t *testing.T) {
	_, cfg, o := motoConfig(t)
	seed(t, cfg)
	dir := t.TempDir()
	live, err := inventory.Collect(t.Context(), inventory.Options{AWS: cfg, Endpoint: o, Account: account, Regions: regions,
		Collectors: collectors(), Record: dir, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(byType(live, "AWS::IAM::Role")); n != 2 {
		t.Fatalf("live: %d roles", n)
	}
	for _, f := range []string{"describe-regions.json", "us-east-1/iam-list-roles.json", "us-east-1/iam-list-role-policies/deploy",
		"us-east-1/iam-get-role-policy/deploy%2Fall", "eu-west-1/ec2-describe-security-groups.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("recording lacks %s", f)
		}
	}
	// The recording prints policy documents decoded, as the AWS CLI does.
	var pol map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "us-east-1/iam-get-role-policy/deploy%2Fall"))
	if err := json.Unmarshal(b, &pol); err != nil {
		t.Fatal(err)
	}
	if _, ok := pol["PolicyDocument"].(map[string]any); !ok {
		t.Errorf("recorded PolicyDocument is %T, want an object: %s", pol["PolicyDocument"], b)
	}

	replayed, err := inventory.Collect(t.Context(), inventory.Options{Account: account, Regions: regions, Collectors: collectors(), Replay: dir, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(live.Items, replayed.Items, itemOpts); d != "" {
		t.Errorf("replay differs from the live collection (-live +replay):\n%s", d)
	}

	// A call that was not recorded is "not collected", never an empty answer.
	os.Remove(filepath.Join(dir, "eu-west-1/ec2-describe-security-groups.json"))
	partial, err := inventory.Collect(t.Context(), inventory.Options{Account: account, Regions: regions, Collectors: collectors(), Replay: dir, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	gaps := byType(partial, inventory.GapType)
	if len(gaps) != 1 || gaps[0].Errors[0].Code != inventory.CodeNotCollected || gaps[0].Region != "eu-west-1" {
		t.Fatalf("gaps after removing a recording: %+v", gaps)
	}
}

// TestReplayAWSCLIRecording records the same world with the AWS CLI
// itself (aws … --output json into the layout) and requires the replay to
// match Vigil's own recording.
func TestReplayAWSCLIRecording(t *testing.T) {
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		t.Fatal("the AWS CLI (aws) is needed: pip install awscli")
	}
	endpoint, cfg, o := motoConfig(t)
	seed(t, cfg)
	mine := t.TempDir()
	if _, err := inventory.Collect(t.Context(), inventory.Options{AWS: cfg, Endpoint: o, Account: account, Regions: regions,
		Collectors: collectors(), Record: mine, Now: now}); err != nil {
		t.Fatal(err)
	}
	cli := t.TempDir()
	run := func(file string, args ...string) {
		t.Helper()
		cmd := exec.Command(awsCLI, append([]string{"--endpoint-url", endpoint, "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing", "AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=")
		out, err := cmd.Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("aws %v: %v %s", args, err, stderr)
		}
		path := filepath.Join(cli, file)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("describe-regions.json", "ec2", "describe-regions", "--all-regions")
	run("us-east-1/iam-list-roles.json", "iam", "list-roles")
	for _, r := range []string{"audit", "deploy"} {
		run("us-east-1/iam-list-role-policies/"+r, "iam", "list-role-policies", "--role-name", r)
	}
	run("us-east-1/iam-get-role-policy/deploy%2Fall", "iam", "get-role-policy", "--role-name", "deploy", "--policy-name", "all")
	for _, r := range regions {
		run(r+"/ec2-describe-security-groups.json", "ec2", "describe-security-groups", "--region", r)
	}

	a, err := inventory.Collect(t.Context(), inventory.Options{Account: account, Regions: regions, Collectors: collectors(), Replay: mine, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	b, err := inventory.Collect(t.Context(), inventory.Options{Account: account, Regions: regions, Collectors: collectors(), Replay: cli, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(byType(b, inventory.GapType)) > 0 {
		t.Fatalf("gaps reading the AWS CLI recording: %+v", byType(b, inventory.GapType)[0].Errors)
	}
	if d := cmp.Diff(a.Items, b.Items, itemOpts); d != "" {
		t.Errorf("AWS CLI recording reads differently from Vigil's (-vigil +cli):\n%s", d)
	}
}

// TestReplayRecordedErrors reads recorded AWS errors in both spellings as
// the API's answer.
func TestReplayRecordedErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	write("describe-regions.json", `{"Regions":[{"RegionName":"us-east-1","OptInStatus":"opt-in-not-required"},{"RegionName":"ap-east-1","OptInStatus":"not-opted-in"}]}`)
	write("us-east-1/iam-list-roles.json", `{"Error":{"Code":"AccessDenied","Message":"User: x is not authorized to perform: iam:ListRoles"}}`)
	write("us-east-1/ec2-describe-security-groups.json", "\nAn error occurred (UnauthorizedOperation) when calling the DescribeSecurityGroups operation: You are not authorized to perform this operation.\n")
	snap, err := inventory.Collect(t.Context(), inventory.Options{Account: account, Collectors: collectors(), Replay: dir, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Skipped["ap-east-1"] == "" || len(snap.Regions) != 1 {
		t.Errorf("regions %v skipped %v", snap.Regions, snap.Skipped)
	}
	codes := map[string]string{}
	for _, g := range byType(snap, inventory.GapType) {
		codes[g.ResourceName] = g.Errors[0].Code
		if !g.Errors[0].Denied() {
			t.Errorf("%s: %+v not a denial", g.ResourceName, g.Errors[0])
		}
	}
	if codes["AWS::IAM::Role"] != "AccessDenied" || codes["AWS::EC2::SecurityGroup"] != "UnauthorizedOperation" {
		t.Errorf("gap codes %v", codes)
	}
}

func byType(s *inventory.Snapshot, typ string) []*inventory.Item {
	var out []*inventory.Item
	for _, it := range s.Items {
		if it.ResourceType == typ {
			out = append(out, it)
		}
	}
	return out
}

// TestDisabledRegionSkipped: a region where every call is refused as from
// a region that is not enabled is reported as skipped, not as errors.
func TestDisabledRegionSkipped(t *testing.T) {
	endpoint, _, _ := motoConfig(t)
	p := awsfake.NewFaultProxy(t, endpoint)
	o := awsapi.Options{Region: "us-east-1", EndpointURL: p.URL, MaxAttempts: 2}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	p.FailRegion("eu-west-1", "AuthFailure", 401)
	snap, err := inventory.Collect(t.Context(), inventory.Options{AWS: cfg, Endpoint: o, Account: account, Regions: regions, Collectors: collectors(), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Regions) != 1 || snap.Regions[0] != "us-east-1" || !strings.Contains(snap.Skipped["eu-west-1"], "AuthFailure") {
		t.Errorf("regions %v skipped %v", snap.Regions, snap.Skipped)
	}
	if g := byType(snap, inventory.GapType); len(g) != 0 {
		t.Errorf("gaps %+v", g[0].Errors)
	}
}
