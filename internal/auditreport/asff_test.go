package auditreport

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/securityhub/types"
	"github.com/vigil-sec/vigil/internal/compliance"
)

// readFindings writes r's ASFF file and decodes it twice: into AWS's own
// type (rejecting any field that type does not have: a misspelled field
// would be dropped by Security Hub) and into plain maps.
func readFindings(t *testing.T, r *Run) ([]types.AwsSecurityFinding, []map[string]any) {
	t.Helper()
	dir := t.TempDir()
	if _, err := Write(dir, r, []string{"asff"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.asff.json"))
	if err != nil {
		t.Fatal(err)
	}
	var typed []types.AwsSecurityFinding
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&typed); err != nil {
		t.Fatalf("results.asff.json does not decode as []AwsSecurityFinding: %v", err)
	}
	var raw []map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return typed, raw
}

var (
	productArnRe = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:securityhub:[a-z]{2}(-gov)?-[a-z]+-\d:(\d{12}):product/(\d{12})/default$`)
	accountRe    = regexp.MustCompile(`^\d{12}$`)
	// ASFF Types are namespace/category/classifier with fixed namespaces.
	typeRe = regexp.MustCompile(`^(Software and Configuration Checks|TTPs|Effects|Unusual Behaviors|Sensitive Data Identifications)(/[^/]+){0,2}$`)
)

// The fields BatchImportFindings requires, per the ASFF syntax page.
var asffRequired = []string{"AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn",
	"Resources", "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"}

func TestASFFValid(t *testing.T) {
	r := sampleRun()
	long := r.Results[0]
	long.ResourceID, long.Reason = "long-reason-bucket", strings.Repeat("very long reason ", 100)
	r.Results = append(r.Results, long)
	typed, raw := readFindings(t, r)
	if len(typed) != len(r.Results) {
		t.Fatalf("%d findings, want one per result (%d)", len(typed), len(r.Results))
	}
	ids := map[string]bool{}
	for i, f := range typed {
		id := deref(f.Id)
		for _, field := range asffRequired {
			if v, ok := raw[i][field]; !ok || v == "" || v == nil {
				t.Errorf("finding %s lacks required field %s", id, field)
			}
		}
		if ids[id] {
			t.Errorf("duplicate finding id %s", id)
		}
		ids[id] = true
		if n := utf8.RuneCountInString(id); n > 512 {
			t.Errorf("finding id of %d characters", n)
		}
		if deref(f.SchemaVersion) != "2018-10-08" {
			t.Errorf("%s: SchemaVersion %q", id, deref(f.SchemaVersion))
		}
		acct := deref(f.AwsAccountId)
		if !accountRe.MatchString(acct) {
			t.Errorf("%s: AwsAccountId %q", id, acct)
		}
		m := productArnRe.FindStringSubmatch(deref(f.ProductArn))
		if m == nil || m[3] != acct || m[4] != acct {
			t.Errorf("%s: ProductArn %q, want arn:aws:securityhub:<region>:%s:product/%s/default", id, deref(f.ProductArn), acct, acct)
		}
		for _, ts := range []*string{f.CreatedAt, f.UpdatedAt, f.FirstObservedAt, f.LastObservedAt} {
			if _, err := time.Parse(time.RFC3339, deref(ts)); err != nil {
				t.Errorf("%s: timestamp: %v", id, err)
			}
		}
		if len(f.Types) == 0 {
			t.Errorf("%s: no Types", id)
		}
		for _, ty := range f.Types {
			if !typeRe.MatchString(ty) {
				t.Errorf("%s: type %q is not namespace/category/classifier", id, ty)
			}
		}
		if f.Severity == nil || !slices.Contains(types.SeverityLabel("").Values(), f.Severity.Label) {
			t.Errorf("%s: severity %+v", id, f.Severity)
		}
		if n := utf8.RuneCountInString(deref(f.Title)); n == 0 || n > 256 {
			t.Errorf("%s: title of %d characters", id, n)
		}
		if n := utf8.RuneCountInString(deref(f.Description)); n == 0 || n > 1024 {
			t.Errorf("%s: description of %d characters", id, n)
		}
		if f.Remediation != nil && utf8.RuneCountInString(deref(f.Remediation.Recommendation.Text)) > 512 {
			t.Errorf("%s: remediation over 512 characters", id)
		}
		if len(f.Resources) == 0 || len(f.Resources) > 32 {
			t.Fatalf("%s: %d resources", id, len(f.Resources))
		}
		for _, res := range f.Resources {
			if deref(res.Type) == "" || deref(res.Id) == "" || deref(res.Region) == "" ||
				!slices.Contains(types.Partition("").Values(), res.Partition) {
				t.Errorf("%s: resource %+v", id, res)
			}
		}
		if f.Compliance == nil || !slices.Contains(types.ComplianceStatus("").Values(), f.Compliance.Status) {
			t.Errorf("%s: compliance %+v", id, f.Compliance)
		}
		if f.Workflow == nil || !slices.Contains(types.WorkflowStatus("").Values(), f.Workflow.Status) {
			t.Errorf("%s: workflow %+v", id, f.Workflow)
		}
		if !slices.Contains(types.RecordState("").Values(), f.RecordState) {
			t.Errorf("%s: record state %q", id, f.RecordState)
		}
		if len(f.ProductFields) > 50 {
			t.Errorf("%s: %d product fields", id, len(f.ProductFields))
		}
	}
}

func TestASFFMapping(t *testing.T) {
	typed, _ := readFindings(t, sampleRun())
	type mapping struct{ Status, Severity, Compliance, Workflow, Type, Region string }
	got := map[string]mapping{}
	for _, f := range typed {
		got[f.ProductFields["vigil/CheckId"]+" "+deref(f.Resources[0].Id)] = mapping{
			f.ProductFields["vigil/Status"], string(f.Severity.Label), string(f.Compliance.Status),
			string(f.Workflow.Status), deref(f.Resources[0].Type), deref(f.Resources[0].Region)}
	}
	for _, tc := range []struct {
		check, resource string
		want            mapping
	}{
		// Global results (account settings) go to the partition's home region.
		{checkPassword, "AWS::::Account:111111111111", mapping{"FAIL", "MEDIUM", "FAILED", "NEW", "AwsAccount", "us-east-1"}},
		{checkBucket, "arn:aws:s3:::public-website", mapping{"FAIL", "HIGH", "FAILED", "SUPPRESSED", "AwsS3Bucket", "us-east-1"}},
		{checkPassword, "AWS::::Account:222222222222", mapping{"PASS", "INFORMATIONAL", "PASSED", "RESOLVED", "AwsAccount", "us-east-1"}},
		{checkBucket, "arn:aws:s3:::-1+2", mapping{"ERROR", "HIGH", "NOT_AVAILABLE", "NEW", "AwsS3Bucket", "us-east-1"}},
		{checkTrail, "AWS::::Account:111111111111", mapping{"MANUAL", "CRITICAL", "WARNING", "NEW", "AwsAccount", "us-east-1"}},
		{checkTrail, "AWS::::Account:222222222222", mapping{"NOT_APPLICABLE", "CRITICAL", "NOT_AVAILABLE", "RESOLVED", "AwsAccount", "us-east-1"}},
		{checkUnknown, "i-0abc", mapping{"FAIL", "LOW", "FAILED", "NEW", "AwsEc2Instance", "eu-west-1"}},
	} {
		if g, ok := got[tc.check+" "+tc.resource]; !ok {
			t.Errorf("no finding of %s on %s", tc.check, tc.resource)
		} else if g != tc.want {
			t.Errorf("%s on %s: got %+v, want %+v", tc.check, tc.resource, g, tc.want)
		}
	}
}

func TestASFFResourceType(t *testing.T) {
	for _, tc := range []struct {
		cfn, want string
	}{
		{"AWS::EC2::SecurityGroup", "AwsEc2SecurityGroup"},
		{"AWS::RDS::DBInstance", "AwsRdsDbInstance"},
		{"AWS::EC2::VPC", "AwsEc2Vpc"},
		{"AWS::S3::Bucket", "AwsS3Bucket"},
		{"AWS::CloudTrail::Trail", "AwsCloudTrailTrail"},
		{"AWS::IAM::User", "AwsIamUser"},
		{"AWS::KMS::Key", "AwsKmsKey"},
		{"AWS::ElasticLoadBalancingV2::LoadBalancer", "AwsElasticLoadBalancingV2LoadBalancer"},
		{"custom", "Other"},
	} {
		r := &row{Result: compliance.Result{Account: "111111111111", ResourceID: "x", ResourceType: tc.cfn}}
		if got := asffResourceType(r); got != tc.want {
			t.Errorf("asffResourceType(%s) = %s, want %s", tc.cfn, got, tc.want)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
