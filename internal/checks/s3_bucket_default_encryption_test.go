package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketDefaultEncryption(t *testing.T) {
	sse := func(rules string) map[string]string {
		return map[string]string{"ServerSideEncryptionConfiguration": `{"rules":` + rules + `}`}
	}
	runCases(t, "s3_bucket_default_encryption", []checkCase{
		{"SSE-S3 passes", []*inventory.Item{s3Bucket("b", "us-east-1", sse(`[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"AES256","kmsMasterKeyID":null},"bucketKeyEnabled":false}]`))},
			[]want{{compliance.Pass, "b", "with AES256"}}},
		{"SSE-KMS passes naming the key", []*inventory.Item{s3Bucket("b", "us-east-1", sse(`[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":"aws:kms","kmsMasterKeyID":"alias/data"}}]`))},
			[]want{{compliance.Pass, "b", "aws:kms (key alias/data)"}}},
		{"API spelling passes", []*inventory.Item{s3Bucket("b", "us-east-1", map[string]string{"ServerSideEncryptionConfiguration": `{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms:dsse"}}]}`})},
			[]want{{compliance.Pass, "b", "aws:kms:dsse"}}},
		{"no rule fails", []*inventory.Item{s3Bucket("b", "us-east-1", nil)},
			[]want{{compliance.Fail, "b", "no default encryption rule"}}},
		{"Config's item without the key fails", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Fail, "delivered-bucket", "no default encryption"}}},
		{"denied is an error", []*inventory.Item{s3Bucket("b", "us-east-1", nil, "s3:GetEncryptionConfiguration")},
			[]want{{compliance.Error, "b", "missing permission s3:GetEncryptionConfiguration"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "s3:ListAllMyBuckets"}}},
		{"no buckets", nil, []want{{compliance.NotApplicable, "", ""}}},
	})
}
