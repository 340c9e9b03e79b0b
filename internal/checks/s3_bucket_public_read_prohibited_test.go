package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketPublicReadProhibited(t *testing.T) {
	open := s3AccountBlockItem(s3NoneBlocked)
	publicACL := map[string]string{"AccessControlList": s3ACLString(`{"grantee":"AllUsers","permission":"Read"}`)}
	publicPolicy := map[string]string{"BucketPolicy": s3Policy(`[{"Sid":"Site","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]`)}
	runCases(t, "s3_bucket_public_read_prohibited", []checkCase{
		{"private passes", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"AccessControlList": s3ACLString(), "BucketPolicy": `{"policyText":null}`})},
			[]want{{compliance.Pass, "b", "neither the ACL nor the policy of bucket b grants public read access"}}},
		{"public ACL fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", publicACL)},
			[]want{{compliance.Fail, "b", "the ACL grants Read to AllUsers"}}},
		{"Config's delivered item with an AllUsers grant fails", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Fail, "delivered-bucket", "the ACL grants Read to AllUsers"}}},
		{"API-shaped ACL with a group URI fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"AccessControlList": `{"Grants":[{"Grantee":{"Type":"Group","URI":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"Permission":"READ_ACP"}]}`})},
			[]want{{compliance.Fail, "b", "the ACL grants READ_ACP to AuthenticatedUsers"}}},
		{"public policy fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", publicPolicy)},
			[]want{{compliance.Fail, "b", `policy statement "Site" allows Principal "*" to read (s3:GetObject)`}}},
		{"public write-only ACL passes", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"AccessControlList": s3ACLString(`{"grantee":"AllUsers","permission":"Write"}`)})},
			[]want{{compliance.Pass, "b", ""}}},
		{"log delivery group passes", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"AccessControlList": s3ACLString(`{"grantee":"LogDelivery","permission":"Write"}`, `{"grantee":"LogDelivery","permission":"ReadAcp"}`)})},
			[]want{{compliance.Pass, "b", ""}}},
		{"IgnorePublicAcls on the account neutralises the ACL", []*inventory.Item{s3AccountBlockItem(`{"ignorePublicAcls":true}`), s3Bucket("b", "us-east-1", publicACL)},
			[]want{{compliance.Pass, "b", "IgnorePublicAcls is on at account level"}}},
		{"IgnorePublicAcls does not cover the policy", []*inventory.Item{s3AccountBlockItem(`{"ignorePublicAcls":true}`), s3Bucket("b", "us-east-1", publicPolicy)},
			[]want{{compliance.Fail, "b", "policy statement"}}},
		{"RestrictPublicBuckets on the bucket neutralises the policy", []*inventory.Item{open,
			s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": publicPolicy["BucketPolicy"], "PublicAccessBlockConfiguration": `{"restrictPublicBuckets":true}`})},
			[]want{{compliance.Pass, "b", "RestrictPublicBuckets is on at bucket level"}}},
		{"ACL denied is an error", []*inventory.Item{open, s3Bucket("b", "us-east-1", nil, "s3:GetBucketAcl")},
			[]want{{compliance.Error, "b", "missing permission s3:GetBucketAcl"}}},
		{"public ACL with an unknown account block is an error", []*inventory.Item{
			gap(s3TypeAccountBlock, "us-east-1", "s3:GetAccountPublicAccessBlock", "AccessDenied"), s3Bucket("b", "us-east-1", publicACL)},
			[]want{{compliance.Error, "b", "whether IgnorePublicAcls blocks it is unknown"}}},
		{"a certain exposure wins over an unknown", []*inventory.Item{open, s3Bucket("b", "us-east-1", publicPolicy, "s3:GetBucketAcl")},
			[]want{{compliance.Fail, "b", "Site"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "s3:ListAllMyBuckets"}}},
		{"no buckets", nil, []want{{compliance.NotApplicable, "", ""}}},
	})
}
