package detect_test

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func TestToASFF(t *testing.T) {
	reg := registry(t, deletes)
	c := &detect.Context{Suppressions: []detect.Suppression{{Name: "all deletes", Types: []string{"Test:*"}}}}
	_, fs := run(t, reg, c, func() time.Time { return time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC) }, nil, []vigil.Event{event("e1", "DeleteTrail", "alice", 1)})
	a := detect.ToASFF(&fs[0], reg)
	checks := map[string][2]string{
		"SchemaVersion":  {a.SchemaVersion, "2018-10-08"},
		"Id":             {a.ID, fs[0].ARN},
		"ProductArn":     {a.ProductArn, "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default"},
		"GeneratorId":    {a.GeneratorID, "vigil/test.deletes"},
		"AwsAccountId":   {a.AwsAccountID, "111122223333"},
		"Types":          {a.Types[0], "Unusual Behaviors/User/Test:IAMUser-Deletes"},
		"Severity.Label": {a.Severity.Label, "HIGH"},
		"Original":       {a.Severity.Original, "8"},
		"CreatedAt":      {a.CreatedAt, "2025-01-02T00:00:00.000Z"},
		"FirstObserved":  {a.FirstObservedAt, "2024-05-01T10:01:00.000Z"},
		"RecordState":    {a.RecordState, "ARCHIVED"},
		"Resource.Type":  {a.Resources[0].Type, "AwsIamAccessKey"},
		"Resource.Id":    {a.Resources[0].ID, "AKIAALICE"},
		"namespace":      {a.ProductFields["vigil/namespace"], "Vigil"},
		"count":          {a.ProductFields["aws/guardduty/service/count"], "1"},
		"sql":            {a.ProductFields["vigil/evidence/sql"], fs[0].Evidence.SQL},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
	if a.Severity.Normalized != 80 {
		t.Errorf("normalized %d", a.Severity.Normalized)
	}
	if detect.DetectionID(&fs[0]) != "test.deletes" || detect.Info(&fs[0])["resource"] != "arn:aws:iam::111122223333:user/alice" {
		t.Errorf("info %v", detect.Info(&fs[0]))
	}
}

func TestResourceName(t *testing.T) {
	info := func(res string) *vigil.AdditionalInfo {
		return &vigil.AdditionalInfo{Value: `{"resource":"` + res + `"}`, Type: "default"}
	}
	for _, tc := range []struct {
		name string
		f    vigil.Finding
		want string
	}{
		{"resource key first", vigil.Finding{Service: vigil.FindingService{AdditionalInfo: info("snapshot/snap-1")}, Evidence: vigil.Evidence{Principal: "arn:p"}}, "snapshot/snap-1"},
		{"bucket", vigil.Finding{Resource: vigil.FindingResource{S3BucketDetails: []vigil.S3BucketDetail{{Name: "b"}}}}, "s3://b"},
		{"instance", vigil.Finding{Resource: vigil.FindingResource{InstanceDetails: &vigil.InstanceDetails{InstanceID: "i-1"}}}, "i-1"},
		{"principal before key", vigil.Finding{Resource: vigil.FindingResource{AccessKeyDetails: &vigil.AccessKeyDetails{AccessKeyID: "AKIA1"}}, Evidence: vigil.Evidence{Principal: "arn:p"}}, "arn:p"},
		{"access key", vigil.Finding{Resource: vigil.FindingResource{AccessKeyDetails: &vigil.AccessKeyDetails{AccessKeyID: "AKIA1"}}}, "AKIA1"},
		{"nothing", vigil.Finding{}, ""},
	} {
		if got := detect.ResourceName(&tc.f); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
