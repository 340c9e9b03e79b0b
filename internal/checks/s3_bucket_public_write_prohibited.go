package checks

import (
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_bucket_public_write_prohibited",
		Title: "S3 bucket does not allow public write access",
		Description: "Like AWS Config's s3-bucket-public-write-prohibited: a bucket is publicly writable when its ACL grants " +
			"WRITE, WRITE_ACP or FULL_CONTROL to AllUsers or AuthenticatedUsers and IgnorePublicAcls is off at bucket and account " +
			"level, or when its policy lets anyone put or delete objects or change permissions without a restricting condition " +
			"and RestrictPublicBuckets is off.",
		Service:      "s3",
		Severity:     compliance.Critical,
		ResourceType: s3TypeBucket,
		Remediation: "Remove the public grants (aws s3api put-bucket-acl --bucket <bucket> --acl private) and public policy statements, " +
			"and turn on Block Public Access: aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration " +
			"BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		Eval: func(a *compliance.Account) []compliance.Result {
			return s3EachBucket(a, func(it *inventory.Item) compliance.Result { return s3PublicResult(a, it, true) })
		},
	})
}
