package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// s3AccountBlockSample is the account-level block as Config delivers it
// (ResourceDiscovered status, availabilityZone "Not Applicable").
const s3AccountBlockSample = `{
  "version": "1.3", "accountId": "111122223333", "configurationItemCaptureTime": "2022-05-20T15:53:57.732Z",
  "configurationItemStatus": "ResourceDiscovered", "configurationStateId": "1653062037732",
  "resourceType": "AWS::S3::AccountPublicAccessBlock", "resourceId": "111122223333", "awsRegion": "us-east-1",
  "availabilityZone": "Not Applicable", "tags": {}, "relatedEvents": [], "relationships": [],
  "configuration": {"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": true, "restrictPublicBuckets": true},
  "supplementaryConfiguration": {}, "resourceTransitionStatus": "None"
}`

func TestS3AccountLevelPublicAccessBlocks(t *testing.T) {
	runCases(t, "s3_account_level_public_access_blocks", []checkCase{
		{"all on passes", []*inventory.Item{s3AccountBlockItem(s3AllBlocked)},
			[]want{{compliance.Pass, testAccount, "all four settings on"}}},
		{"Config's delivered item passes", []*inventory.Item{s3Delivered(s3AccountBlockSample)},
			[]want{{compliance.Pass, testAccount, "all four"}}},
		{"not configured fails", []*inventory.Item{s3AccountBlockItem(s3NoneBlocked)},
			[]want{{compliance.Fail, testAccount, "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off"}}},
		{"ACLs only fails", []*inventory.Item{s3AccountBlockItem(`{"BlockPublicAcls":true,"IgnorePublicAcls":true}`)},
			[]want{{compliance.Fail, testAccount, "has BlockPublicPolicy, RestrictPublicBuckets off"}}},
		{"denied is an error", []*inventory.Item{gap(s3TypeAccountBlock, "us-east-1", "s3:GetAccountPublicAccessBlock", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission s3:GetAccountPublicAccessBlock"}}},
		{"not collected is an error", []*inventory.Item{s3Bucket("b", "us-east-1", nil)},
			[]want{{compliance.Error, "", "not in the snapshot"}}},
	})
}
