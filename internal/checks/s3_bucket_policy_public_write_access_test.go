package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketPolicyPublicWriteAccess(t *testing.T) {
	publicPut := map[string]string{"BucketPolicy": s3Policy(`[{"Sid":"Upload","Effect":"Allow","Principal":"*","Action":["s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]`)}
	open := s3AccountBlockItem(s3NoneBlocked)
	runCases(t, "s3_bucket_policy_public_write_access", []checkCase{
		{"public put fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", publicPut)},
			[]want{{compliance.Fail, "b", `statement "Upload" allows Principal "*" to write (s3:PutObject)`}}},
		{"wildcard action with AWS star fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy(
			`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`)})},
			[]want{{compliance.Fail, "b", "#1 allows Principal {\"AWS\":\"*\"} to write (s3:PutObject, s3:DeleteObject"}}},
		{"NotAction that spares writes fails", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy(
			`[{"Effect":"Allow","Principal":"*","NotAction":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]`)})},
			[]want{{compliance.Fail, "b", "s3:PutObject"}}},
		{"public read only passes", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy(
			`[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]`)})},
			[]want{{compliance.Pass, "b", "allows no public write access"}}},
		{"organization condition passes", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy(
			`[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]`)})},
			[]want{{compliance.Pass, "b", "no public write"}}},
		{"no policy passes (Config's null)", []*inventory.Item{open, s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": `{"policyText":null}`})},
			[]want{{compliance.Pass, "b", "has no bucket policy"}}},
		{"Config's delivered deny-only policy passes", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Pass, "delivered-bucket", "no public write"}}},
		{"account RestrictPublicBuckets passes", []*inventory.Item{s3AccountBlockItem(s3AllBlocked), s3Bucket("b", "us-east-1", publicPut)},
			[]want{{compliance.Pass, "b", "RestrictPublicBuckets (account level)"}}},
		{"policy denied is an error", []*inventory.Item{open, s3Bucket("b", "us-east-1", nil, "s3:GetBucketPolicy")},
			[]want{{compliance.Error, "b", "missing permission s3:GetBucketPolicy"}}},
		{"public put with unknown account block is an error", []*inventory.Item{
			gap(s3TypeAccountBlock, "us-east-1", "s3:GetAccountPublicAccessBlock", "AccessDenied"), s3Bucket("b", "us-east-1", publicPut)},
			[]want{{compliance.Error, "b", "whether RestrictPublicBuckets blocks it is unknown: missing permission s3:GetAccountPublicAccessBlock"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "s3:ListAllMyBuckets"}}},
		{"no buckets", nil, []want{{compliance.NotApplicable, "", ""}}},
	})
}
