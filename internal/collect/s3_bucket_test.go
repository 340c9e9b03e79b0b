package collect_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

const (
	s3BucketType = collect.TypeS3Bucket
	s3AccountPAB = collect.TypeS3AccountPublicAccessBlock
)

// s3Client returns an S3 client of env in region.
func s3Client(env *collecttest.Env, region string) *s3.Client {
	cfg := env.Config.Copy()
	cfg.Region = region
	return awsapi.S3Client(cfg, env.Options)
}

// s3MustCreate creates bucket in region.
func s3MustCreate(t *testing.T, env *collecttest.Env, bucket, region string) *s3.Client {
	t.Helper()
	c := s3Client(env, region)
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	if _, err := c.CreateBucket(t.Context(), in); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
	return c
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// s3Item returns the bucket item named name.
func s3Item(t *testing.T, snap *inventory.Snapshot, name string) *inventory.Item {
	t.Helper()
	for _, it := range collecttest.Of(snap, s3BucketType) {
		if it.ResourceID == name {
			return it
		}
	}
	t.Fatalf("no item for bucket %s", name)
	return nil
}

// s3Declared fails t when snap made a call the collector does not declare.
func assertDeclared(t *testing.T, snap *inventory.Snapshot, collector string) {
	t.Helper()
	for _, c := range inventory.Collectors() {
		if c.Name != collector {
			continue
		}
		for action := range snap.Calls {
			framework := action == "ec2:DescribeRegions" || action == "sts:GetCallerIdentity" // region discovery, account id
			if !framework && !slices.Contains(c.Permissions, action) {
				t.Errorf("collector %s called %s, which it does not declare in Permissions", collector, action)
			}
		}
		return
	}
	t.Fatalf("collector %s not registered", collector)
}

func TestS3Collector(t *testing.T) {
	env := collecttest.New(t)
	ctx := t.Context()

	// vigil-public (eu-west-1): public-read ACL, a policy letting anyone
	// read objects, versioning, access logging, tags.
	c := s3MustCreate(t, env, "vigil-public", "eu-west-1")
	must(t, "put acl", func() error {
		_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("vigil-public"), ACL: s3types.BucketCannedACLPublicRead})
		return err
	}())
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::vigil-public/*"}]}`
	must(t, "put policy", func() error {
		_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("vigil-public"), Policy: aws.String(policy)})
		return err
	}())
	must(t, "put versioning", func() error {
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("vigil-public"),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
		return err
	}())
	must(t, "put tagging", func() error {
		_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("vigil-public"),
			Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("team"), Value: aws.String("web")}}}})
		return err
	}())

	// vigil-logs (eu-west-1): encrypted, every public access block on;
	// vigil-public logs into it (S3 logs only within a region).
	eu := s3MustCreate(t, env, "vigil-logs", "eu-west-1")
	must(t, "put encryption", func() error {
		_, err := eu.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("vigil-logs"),
			ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/logs")},
			}}}})
		return err
	}())
	must(t, "let S3 deliver access logs", func() error {
		_, err := eu.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("vigil-logs"), ACL: s3types.BucketCannedACL("log-delivery-write")})
		return err
	}())
	must(t, "put public access block", func() error {
		_, err := eu.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("vigil-logs"),
			PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
		return err
	}())
	must(t, "put logging", func() error {
		_, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("vigil-public"),
			BucketLoggingStatus: &s3types.BucketLoggingStatus{LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("vigil-logs"), TargetPrefix: aws.String("public/")}}})
		return err
	}())

	// vigil-plain (us-east-1): nothing configured.
	s3MustCreate(t, env, "vigil-plain", "us-east-1")

	// The account blocks public ACLs, not public policies.
	must(t, "put account public access block", func() error {
		_, err := collect.S3ControlClient(env.Config, env.Options).PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
			AccountId:                      aws.String(collecttest.Account),
			PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true)}})
		return err
	}())

	env.Proxy.ClearRequests()
	snap := env.Collect(t, []string{"us-east-1", "eu-west-1"}, "s3")
	assertDeclared(t, snap, "s3")
	// Per-bucket calls are signed for the bucket's region.
	for _, r := range env.Proxy.Requests() {
		if r.Bucket == "vigil-logs" && r.Op != "GetBucketLocation" && r.Region != "eu-west-1" {
			t.Errorf("%s on vigil-logs signed for %s, want eu-west-1", r.Op, r.Region)
		}
	}
	if gaps := collecttest.Gaps(snap); len(gaps) != 0 {
		t.Fatalf("gaps: %+v", gaps)
	}
	if n := len(collecttest.Of(snap, s3BucketType)); n != 3 {
		t.Fatalf("%d bucket items, want 3", n)
	}
	for _, it := range collecttest.Of(snap, s3BucketType) {
		if len(it.Errors) != 0 {
			t.Errorf("bucket %s: errors %+v", it.ResourceID, it.Errors)
		}
		if it.ARN != "arn:aws:s3:::"+it.ResourceID || it.AccountID != collecttest.Account {
			t.Errorf("bucket %s: arn %q account %q", it.ResourceID, it.ARN, it.AccountID)
		}
		if inventory.Str(it.Conf(), "name") != it.ResourceID || inventory.Str(it.Conf(), "creationDate") == "" {
			t.Errorf("bucket %s: configuration %s", it.ResourceID, it.Configuration)
		}
	}

	pub := s3Item(t, snap, "vigil-public")
	if pub.Region != "eu-west-1" {
		t.Errorf("vigil-public region %q", pub.Region)
	}
	sup := pub.Supp()
	if got := inventory.Str(sup, "BucketPolicy", "policyText"); !strings.Contains(got, "PublicRead") {
		t.Errorf("vigil-public policy %q", got)
	}
	// Config stores the ACL as a JSON string.
	acl, ok := sup["AccessControlList"].(string)
	if !ok || !strings.Contains(acl, `{"grantee":"AllUsers","permission":"Read"}`) || !strings.Contains(acl, `"permission":"FullControl"`) {
		t.Errorf("vigil-public ACL %v", sup["AccessControlList"])
	}
	if got := inventory.Str(sup, "BucketVersioningConfiguration", "status"); got != "Enabled" {
		t.Errorf("vigil-public versioning %q", got)
	}
	if got := inventory.Str(sup, "BucketLoggingConfiguration", "destinationBucketName"); got != "vigil-logs" {
		t.Errorf("vigil-public logging target %q", got)
	}
	if pub.Tags["team"] != "web" {
		t.Errorf("vigil-public tags %v", pub.Tags)
	}
	if _, has := sup["PublicAccessBlockConfiguration"]; has {
		t.Errorf("vigil-public has no public access block, got %v", sup["PublicAccessBlockConfiguration"])
	}

	logs := s3Item(t, snap, "vigil-logs")
	if logs.Region != "eu-west-1" {
		t.Errorf("vigil-logs region %q, want the bucket's own", logs.Region)
	}
	lsup := logs.Supp()
	rules := inventory.List(lsup, "ServerSideEncryptionConfiguration", "rules")
	if len(rules) != 1 || inventory.Str(rules[0], "applyServerSideEncryptionByDefault", "sseAlgorithm") != "aws:kms" ||
		inventory.Str(rules[0], "applyServerSideEncryptionByDefault", "kmsMasterKeyID") != "alias/logs" {
		t.Errorf("vigil-logs encryption %v", lsup["ServerSideEncryptionConfiguration"])
	}
	for _, k := range []string{"blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets"} {
		if v, ok := inventory.Bool(lsup, "PublicAccessBlockConfiguration", k); !ok || !v {
			t.Errorf("vigil-logs %s = %v, %v", k, v, ok)
		}
	}

	plain := s3Item(t, snap, "vigil-plain")
	if plain.Region != "us-east-1" {
		t.Errorf("vigil-plain region %q", plain.Region)
	}
	psup := plain.Supp()
	if v, has := psup["BucketPolicy"].(map[string]any); !has || v["policyText"] != nil {
		t.Errorf("vigil-plain policy %v, want policyText null", psup["BucketPolicy"])
	}
	if got := inventory.Str(psup, "BucketVersioningConfiguration", "status"); got != "Off" {
		t.Errorf("vigil-plain versioning %q, want Off", got)
	}
	if v := inventory.Get(psup, "BucketLoggingConfiguration", "destinationBucketName"); v != nil {
		t.Errorf("vigil-plain logging target %v", v)
	}
	if v, ok := inventory.Bool(psup, "IsRequesterPaysEnabled"); !ok || v {
		t.Errorf("vigil-plain requester pays %v, %v", v, ok)
	}

	acct := collecttest.Of(snap, s3AccountPAB)
	if len(acct) != 1 {
		t.Fatalf("%d account public access block items", len(acct))
	}
	want := map[string]any{"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": false, "restrictPublicBuckets": false}
	if got := acct[0].Conf(); !reflect.DeepEqual(got, want) || acct[0].ResourceID != collecttest.Account {
		t.Errorf("account public access block %s %v", acct[0].ResourceID, got)
	}

	// The item survives a JSON round trip (Config's reader turns the ACL
	// string into an object; checks read both).
	b, err := json.Marshal(pub)
	must(t, "marshal", err)
	var back inventory.Item
	must(t, "unmarshal", json.Unmarshal(b, &back))
	if inventory.Str(back.Supp(), "BucketVersioningConfiguration", "status") != "Enabled" {
		t.Errorf("round trip lost versioning: %s", b)
	}
}

func TestS3CollectorNotConfigured(t *testing.T) {
	env := collecttest.New(t)
	s3MustCreate(t, env, "vigil-bare", "us-east-1")
	// Throttled per-bucket calls are retried, not recorded as errors.
	env.Proxy.Throttle("GetBucketAcl", 3)
	snap := env.Collect(t, []string{"us-east-1"}, "s3")
	if throttled, calls := env.Proxy.Calls("GetBucketAcl"), snap.CallCount(); throttled < 3 || calls > 20 {
		t.Errorf("proxy saw %d per-bucket requests; collector counted %d calls", throttled, calls)
	}
	// No account-level block: an answer (all four off), not a gap.
	acct := collecttest.Of(snap, s3AccountPAB)
	if len(acct) != 1 || len(collecttest.Gaps(snap)) != 0 {
		t.Fatalf("account items %d, gaps %+v", len(acct), collecttest.Gaps(snap))
	}
	for k, v := range acct[0].Conf() {
		if v != false {
			t.Errorf("unconfigured account block: %s = %v", k, v)
		}
	}
	if it := s3Item(t, snap, "vigil-bare"); len(it.Errors) != 0 {
		t.Errorf("errors %+v", it.Errors)
	}
}

func TestS3CollectorDenied(t *testing.T) {
	for _, tc := range []struct {
		name    string
		op      string // fault proxy operation to deny
		n       int
		gapType string // type that becomes a gap
		// notDenied: the error does not reach the collector as a denial.
		notDenied bool
		gapPerm   string // permission the gap names
		itemErr   string // permission recorded on the bucket item
		missing   string // supplementary key left out
		region    string // bucket item region
		accounts  int    // account public access block items
	}{
		{name: "list buckets", op: "ListBuckets", n: -1, gapType: s3BucketType, gapPerm: "s3:ListAllMyBuckets", accounts: 1},
		{name: "account block", op: "GetAccountPublicAccessBlock", n: -1, gapType: s3AccountPAB, gapPerm: "s3:GetAccountPublicAccessBlock", region: "eu-west-1"},
		{name: "bucket policy", op: "GetBucketPolicy", n: -1, itemErr: "s3:GetBucketPolicy", missing: "BucketPolicy", region: "eu-west-1", accounts: 1},
		{name: "bucket location", op: "GetBucketLocation", n: -1, itemErr: "s3:GetBucketLocation", region: "us-east-1", accounts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := collecttest.New(t)
			s3MustCreate(t, env, "vigil-denied", "eu-west-1")
			env.Proxy.Fail(tc.op, "AccessDenied", http.StatusForbidden, tc.n)
			snap := env.Collect(t, []string{"us-east-1"}, "s3")
			assertDeclared(t, snap, "s3")

			gaps := collecttest.Gaps(snap)
			if tc.gapType == "" && len(gaps) != 0 {
				t.Fatalf("gaps %s", gapsText(gaps))
			}
			if tc.gapType != "" {
				if len(gaps) != 1 || gaps[0].ResourceName != tc.gapType || gaps[0].Errors[0].Permission != tc.gapPerm || gaps[0].Errors[0].Denied() == tc.notDenied {
					t.Fatalf("gaps %s, want one for %s", gapsText(gaps), tc.gapType)
				}
			}
			if n := len(collecttest.Of(snap, s3AccountPAB)); n != tc.accounts {
				t.Errorf("%d account block items, want %d", n, tc.accounts)
			}
			if tc.region == "" {
				return
			}
			it := s3Item(t, snap, "vigil-denied")
			if it.Region != tc.region {
				t.Errorf("region %q, want %q", it.Region, tc.region)
			}
			if tc.itemErr == "" {
				if len(it.Errors) != 0 {
					t.Errorf("item errors %+v", it.Errors)
				}
				return
			}
			if len(it.Errors) != 1 || it.Errors[0].Permission != tc.itemErr || !it.Errors[0].Denied() || it.Errors[0].Resource != "vigil-denied" {
				t.Fatalf("item errors %+v, want one for %s", it.Errors, tc.itemErr)
			}
			if tc.missing != "" {
				if _, has := it.Supp()[tc.missing]; has {
					t.Errorf("%s present after a denied call", tc.missing)
				}
			}
			// The rest of the bucket was still collected.
			if inventory.Str(it.Supp(), "BucketVersioningConfiguration", "status") != "Off" {
				t.Errorf("versioning not collected after a denied call: %v", it.Supp())
			}
		})
	}
}

// TestS3CollectorReplay records a collection and replays it: the same
// items come back without calling AWS.
func TestS3CollectorReplay(t *testing.T) {
	env := collecttest.New(t)
	c := s3MustCreate(t, env, "vigil-replay", "eu-west-1")
	_, err := c.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String("vigil-replay"), ACL: s3types.BucketCannedACLPublicReadWrite})
	must(t, "put acl", err)
	dir := t.TempDir()
	live := env.CollectWith(t, inventory.Options{Regions: []string{"us-east-1"}, Collectors: []string{"s3"}, Record: dir})
	env.Proxy.ClearRequests()
	replayed := env.CollectWith(t, inventory.Options{Regions: []string{"us-east-1"}, Collectors: []string{"s3"}, Replay: dir})
	if n := len(env.Proxy.Requests()); n != 0 {
		t.Errorf("replay made %d requests", n)
	}
	for _, typ := range []string{s3BucketType, s3AccountPAB} {
		a, b := collecttest.Of(live, typ), collecttest.Of(replayed, typ)
		if len(a) != 1 || len(b) != 1 {
			t.Fatalf("%s: live %d, replayed %d items", typ, len(a), len(b))
		}
		if a[0].Region != b[0].Region || string(a[0].Configuration) != string(b[0].Configuration) || !reflect.DeepEqual(a[0].Supp(), b[0].Supp()) {
			t.Errorf("%s differs after replay:\nlive     %s %s %v\nreplayed %s %s %v", typ, a[0].Region, a[0].Configuration, a[0].Supp(), b[0].Region, b[0].Configuration, b[0].Supp())
		}
	}

	// A listing that names each bucket's region (as ListBuckets does
	// today) needs no GetBucketLocation.
	list := filepath.Join(dir, "us-east-1", "s3-list-buckets.json")
	body, err := os.ReadFile(list)
	must(t, "read recording", err)
	body = bytes.Replace(body, []byte(`"Name": "vigil-replay"`), []byte(`"Name": "vigil-replay", "BucketRegion": "ap-southeast-2"`), 1)
	must(t, "edit recording", os.WriteFile(list, body, 0o600))
	must(t, "drop locations", os.RemoveAll(filepath.Join(dir, "us-east-1", "s3-get-bucket-location")))
	replayed = env.CollectWith(t, inventory.Options{Regions: []string{"us-east-1"}, Collectors: []string{"s3"}, Replay: dir})
	it := s3Item(t, replayed, "vigil-replay")
	if it.Region != "ap-southeast-2" || len(it.Errors) != 0 || replayed.Calls["s3:GetBucketLocation"] != 0 {
		t.Errorf("region from the listing: %q, errors %+v, calls %v", it.Region, it.Errors, replayed.Calls)
	}
}

func gapsText(gaps []*inventory.Item) string {
	var b strings.Builder
	for _, g := range gaps {
		b.WriteString(g.ResourceName)
		for _, e := range g.Errors {
			b.WriteString(" [" + e.Error() + "]")
		}
		b.WriteString("; ")
	}
	return b.String()
}
