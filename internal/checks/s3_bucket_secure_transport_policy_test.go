package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketSecureTransportPolicy(t *testing.T) {
	const deny = `{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	runCases(t, "s3_bucket_secure_transport_policy", []checkCase{
		{"deny without TLS passes", []*inventory.Item{s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy("[" + deny + "]")})},
			[]want{{compliance.Pass, "b", `"DenyHTTP" of bucket b denies all S3 actions`}}},
		{"single statement, AWS principal, boolean and wildcard resource", []*inventory.Item{s3Bucket("b", "eu-west-1", map[string]string{"BucketPolicy": s3Policy(
			`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":["*"],"Resource":"arn:aws:s3:::b*","Condition":{"BoolIfExists":{"aws:securetransport":[false]}}}`)})},
			[]want{{compliance.Pass, "b", "#1 of bucket b"}}},
		{"no policy fails", []*inventory.Item{s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": `{"policyText":null}`})},
			[]want{{compliance.Fail, "b", "has no bucket policy"}}},
		{"Config's sample denies HTTP for the bucket only", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Fail, "delivered-bucket", `"Stmt1478389920384" of bucket delivered-bucket denies insecure transport, but not for the bucket's objects`}}},
		{"deny of some actions only fails", []*inventory.Item{s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy(
			`[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]`)})},
			[]want{{compliance.Fail, "b", "no statement in the policy of bucket b"}}},
		{"allow with TLS only is not a deny", []*inventory.Item{s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy(
			`[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]`)})},
			[]want{{compliance.Fail, "b", "no statement"}}},
		{"two buckets", []*inventory.Item{
			s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": s3Policy("[" + deny + "]")}),
			s3Bucket("a", "us-east-1", map[string]string{"BucketPolicy": `{"policyText":null}`}),
		}, []want{{compliance.Fail, "a", ""}, {compliance.Pass, "b", ""}}},
		{"denied policy read is an error", []*inventory.Item{s3Bucket("b", "us-east-1", nil, "s3:GetBucketPolicy")},
			[]want{{compliance.Error, "b", "missing permission s3:GetBucketPolicy"}}},
		{"unparseable policy is an error", []*inventory.Item{s3Bucket("b", "us-east-1", map[string]string{"BucketPolicy": `{"policyText":"not json"}`})},
			[]want{{compliance.Error, "b", "not a JSON policy document"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission s3:ListAllMyBuckets"}}},
		{"no buckets", nil, []want{{compliance.NotApplicable, "", "no S3 buckets"}}},
	})
}
