package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketPublicWriteProhibited(t *testing.T) {
	open := s3AccountBlockItem(s3NoneBlocked)
	runCases(t, "s3_bucket_public_write_prohibited", []checkCase{
		{"private passes", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"AccessControlList": s3ACLString(), "BucketPolicy": `{"policyText":null}`})},
			[]want{{compliance.Pass, "b", "grants public write access"}}},
		{"public-read-write ACL fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"AccessControlList": s3ACLString(
			`{"grantee":"AllUsers","permission":"Read"}`, `{"grantee":"AllUsers","permission":"Write"}`)})},
			[]want{{compliance.Fail, "b", "the ACL grants Write to AllUsers"}}},
		{"FullControl to authenticated users fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"AccessControlList": s3ACLString(
			`{"grantee":{"identifier":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"permission":"FullControl"}`)})},
			[]want{{compliance.Fail, "b", "FullControl to AuthenticatedUsers"}}},
		{"public delete policy fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy(
			`[{"Effect":"Allow","Principal":"*","Action":"s3:Delete*","Resource":"arn:aws:s3:::b/*"}]`)})},
			[]want{{compliance.Fail, "b", "to write (s3:DeleteObject, s3:DeleteObjectVersion, s3:DeleteBucketPolicy, s3:DeleteBucket)"}}},
		{"Config's read-only public grant passes", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Pass, "delivered-bucket", ""}}},
		{"source ARN condition passes", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy(
			`[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}}}]`)})},
			[]want{{compliance.Pass, "b", ""}}},
		{"both blocks on pass", []*inventory.Item{s3AccountBlockItem(s3AllBlocked), s3Bucket("b", "us-east-1", map[string]string{
			"AccessControlList": s3ACLString(`{"grantee":"AllUsers","permission":"Write"}`),
			"BucketPolicy":      s3Policy(`[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]`)})},
			[]want{{compliance.Pass, "b", "IgnorePublicAcls is on at account level; RestrictPublicBuckets is on at account level"}}},
		{"policy denied is an error", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"AccessControlList": s3ACLString()}, "s3:GetBucketPolicy")},
			[]want{{compliance.Error, "b", "missing permission s3:GetBucketPolicy"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "s3:ListAllMyBuckets"}}},
		{"no buckets", nil, []want{{compliance.NotApplicable, "", ""}}},
	})
}
