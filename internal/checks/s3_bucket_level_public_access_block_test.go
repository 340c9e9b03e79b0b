package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketLevelPublicAccessBlock(t *testing.T) {
	blocked := map[string]string{"PublicAccessBlockConfiguration": s3AllBlocked}
	runCases(t, "s3_bucket_level_public_access_block", []checkCase{
		{"bucket level passes", []*inventory.Item{s3AccountBlockItem(s3NoneBlocked), s3Bucket("b", "us-east-1", blocked)},
			[]want{{compliance.Pass, "b", "(set at bucket level)"}}},
		{"account level passes", []*inventory.Item{s3AccountBlockItem(s3AllBlocked), s3Bucket("b", "us-east-1", nil)},
			[]want{{compliance.Pass, "b", "(set at account level)"}}},
		{"half and half passes", []*inventory.Item{
			s3AccountBlockItem(`{"blockPublicAcls":true,"ignorePublicAcls":true}`),
			s3Bucket("b", "us-east-1", map[string]string{"PublicAccessBlockConfiguration": `{"blockPublicPolicy":true,"restrictPublicBuckets":true}`}),
		}, []want{{compliance.Pass, "b", "(set at bucket and account level)"}}},
		{"none fails", []*inventory.Item{s3AccountBlockItem(s3NoneBlocked), s3Bucket("b", "us-east-1", nil)},
			[]want{{compliance.Fail, "b", "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off"}}},
		{"Config's bucket without a block and no account item fails", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Fail, "delivered-bucket", "off at both bucket and account level"}}},
		{"bucket partly blocked, account unknown is an error", []*inventory.Item{
			gap(s3TypeAccountBlock, "us-east-1", "s3:GetAccountPublicAccessBlock", "AccessDenied"),
			s3Bucket("b", "us-east-1", map[string]string{"PublicAccessBlockConfiguration": `{"blockPublicAcls":true}`}),
		}, []want{{compliance.Error, "b", "missing permission s3:GetAccountPublicAccessBlock"}}},
		{"bucket fully blocked, account unknown passes", []*inventory.Item{
			gap(s3TypeAccountBlock, "us-east-1", "s3:GetAccountPublicAccessBlock", "AccessDenied"),
			s3Bucket("b", "us-east-1", blocked),
		}, []want{{compliance.Pass, "b", "bucket level"}}},
		{"bucket block denied, account covers all: passes", []*inventory.Item{s3AccountBlockItem(s3AllBlocked), s3Bucket("b", "us-east-1", nil, "s3:GetBucketPublicAccessBlock")},
			[]want{{compliance.Pass, "b", "account level"}}},
		{"bucket block denied is an error", []*inventory.Item{s3AccountBlockItem(s3NoneBlocked), s3Bucket("b", "us-east-1", nil, "s3:GetBucketPublicAccessBlock")},
			[]want{{compliance.Error, "b", "missing permission s3:GetBucketPublicAccessBlock"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "s3:ListAllMyBuckets"}}},
		{"no buckets", []*inventory.Item{s3AccountBlockItem(s3AllBlocked)}, []want{{compliance.NotApplicable, "", ""}}},
	})
}
