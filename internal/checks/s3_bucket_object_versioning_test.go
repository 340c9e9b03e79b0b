package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketObjectVersioning(t *testing.T) {
	versioning := func(v string) map[string]string { return map[string]string{"BucketVersioningConfiguration": v} }
	runCases(t, "s3_bucket_object_versioning", []checkCase{
		{"enabled passes", []*inventory.Item{s3Bucket("b", "us-east-1", versioning(`{"status":"Enabled","isMfaDeleteEnabled":null}`))},
			[]want{{compliance.Pass, "b", "versioning enabled"}}},
		{"Config's delivered item passes", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Pass, "delivered-bucket", "enabled"}}},
		{"suspended fails", []*inventory.Item{s3Bucket("b", "us-east-1", versioning(`{"status":"Suspended"}`))},
			[]want{{compliance.Fail, "b", "versioning Suspended"}}},
		{"never enabled fails", []*inventory.Item{s3Bucket("b", "us-east-1", versioning(`{"status":"Off"}`))},
			[]want{{compliance.Fail, "b", "versioning Off"}}},
		{"denied is an error", []*inventory.Item{s3Bucket("b", "us-east-1", nil, "s3:GetBucketVersioning")},
			[]want{{compliance.Error, "b", "missing permission s3:GetBucketVersioning"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "s3:ListAllMyBuckets"}}},
		{"no buckets", nil, []want{{compliance.NotApplicable, "", ""}}},
	})
}
