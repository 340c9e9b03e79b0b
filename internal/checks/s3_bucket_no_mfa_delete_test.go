package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketNoMFADelete(t *testing.T) {
	versioning := func(v string) map[string]string { return map[string]string{"BucketVersioningConfiguration": v} }
	runCases(t, "s3_bucket_no_mfa_delete", []checkCase{
		{"enabled passes", []*inventory.Item{s3Bucket("b", "us-east-1", versioning(`{"status":"Enabled","isMfaDeleteEnabled":true}`))},
			[]want{{compliance.Pass, "b", "MFA Delete enabled (versioning Enabled)"}}},
		{"API spelling passes", []*inventory.Item{s3Bucket("b", "us-east-1", versioning(`{"Status":"Enabled","MFADelete":"Enabled"}`))},
			[]want{{compliance.Pass, "b", "enabled"}}},
		{"disabled fails", []*inventory.Item{s3Bucket("b", "us-east-1", versioning(`{"status":"Enabled","isMfaDeleteEnabled":false}`))},
			[]want{{compliance.Fail, "b", "MFA Delete disabled (versioning Enabled)"}}},
		{"Config's null fails", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Fail, "delivered-bucket", "disabled (versioning Enabled)"}}},
		{"never versioned fails", []*inventory.Item{s3Bucket("b", "us-east-1", versioning(`{"status":"Off","isMfaDeleteEnabled":null}`))},
			[]want{{compliance.Fail, "b", "versioning Off"}}},
		{"denied versioning read is an error", []*inventory.Item{s3Bucket("b", "us-east-1", nil, "s3:GetBucketVersioning")},
			[]want{{compliance.Error, "b", "missing permission s3:GetBucketVersioning"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "s3:ListAllMyBuckets"}}},
		{"no buckets", nil, []want{{compliance.NotApplicable, "", ""}}},
	})
}
