package audit_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// motoGaps are APIs moto does not serve (or, for S3 Control, serves on a
// host name the AWS CLI cannot reach): their errors read differently
// through the SDK and the CLI, so results resting on them are not
// compared.
var motoGaps = []string{"ListAnalyzers", "ListOrganizationsFeatures", "GetContactInformation", "GetAlternateContact",
	"GetAccountPublicAccessBlock", "s3control", "DescribeDeliveryChannelStatus", "GetBucketPolicyStatus", "Block Public Access"}

// TestAWSCLIRecordingScript records a seeded account with the AWS CLI
// through scripts/record-with-aws-cli.sh (the documented way to collect
// for an offline audit) and with Vigil's own --record, replays both, and
// requires the same compliance results.
func TestAWSCLIRecordingScript(t *testing.T) {
	for _, tool := range []string{"aws", "jq", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (AWS CLI: pip install awscli; jq: apt-get install jq)", tool)
		}
	}
	endpoint := awsfake.StartMoto(t)
	opts := awsapi.Options{Region: "us-east-1", EndpointURL: endpoint}
	cfg, err := awsapi.Config(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	ctx := t.Context()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c := iam.NewFromConfig(cfg)
	must(c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(10)}))
	must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))
	must(c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Pass-word-1")}))
	must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))
	must(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}))
	s := awsapi.S3Client(cfg, opts)
	must(s.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public-site")}))
	must(s.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("public-site"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::public-site/*"}]}`)}))
	e := ec2.NewFromConfig(cfg)
	sg, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("ssh"), Description: aws.String("ssh")})
	if err != nil {
		t.Fatal(err)
	}
	must(e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))

	cliRec, vigilRec := t.TempDir(), t.TempDir()
	cmd := exec.Command("bash", "../../scripts/record-with-aws-cli.sh", cliRec, "us-east-1")
	cmd.Env = append(os.Environ(), "ENDPOINT="+endpoint, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("recording script: %v\n%s", err, out)
	}
	now := time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)
	regions := []string{"us-east-1"}
	if _, err := inventory.Collect(ctx, inventory.Options{AWS: cfg, Endpoint: opts, Regions: regions, Record: vigilRec, Now: now}); err != nil {
		t.Fatal(err)
	}
	results := func(rec string) map[string]string {
		snap, err := inventory.Collect(ctx, inventory.Options{Regions: regions, Replay: rec, Now: now})
		if err != nil {
			t.Fatalf("replay %s: %v", rec, err)
		}
		rs, err := compliance.Evaluate(compliance.NewAccount(snap.Account, snap.Items), compliance.Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, r := range rs {
			out[r.CheckID+" "+r.Region+" "+r.ResourceID] = string(r.Status) + ": " + r.Reason
		}
		return out
	}
	fromCLI, fromVigil := results(cliRec), results(vigilRec)
	if len(fromVigil) < 50 {
		t.Fatalf("only %d results", len(fromVigil))
	}
	gap := func(s string) bool {
		for _, g := range motoGaps {
			if strings.Contains(s, g) {
				return true
			}
		}
		return false
	}
	var diffs []string
	compared := 0
	for k, v := range fromVigil {
		w, ok := fromCLI[k]
		if gap(v) || gap(w) {
			continue
		}
		compared++
		if !ok || w != v {
			diffs = append(diffs, fmt.Sprintf("%s\n    vigil: %s\n    cli:   %s", k, v, w))
		}
	}
	for k, w := range fromCLI {
		if _, ok := fromVigil[k]; !ok && !gap(w) {
			diffs = append(diffs, k+": only in the AWS CLI recording: "+w)
		}
	}
	if len(diffs) > 0 {
		t.Errorf("%d of %d results differ between the AWS CLI recording and Vigil's:\n%s", len(diffs), compared, strings.Join(diffs, "\n"))
	}
	for _, k := range []string{"iam_password_policy_minimum_length_14 global 123456789012", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22 us-east-1 " + aws.ToString(sg.GroupId)} {
		if !strings.HasPrefix(fromCLI[k], "FAIL") {
			t.Errorf("%s from the AWS CLI recording: %q", k, fromCLI[k])
		}
	}
	t.Logf("%d results compared", compared)
}
