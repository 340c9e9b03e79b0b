package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_bucket_level_public_access_block",
		Title: "S3 bucket has all four Block Public Access settings enabled at bucket or account level",
		Description: "Each Block Public Access setting applies to a bucket when the bucket or its account turns it on. " +
			"With all four in effect, neither an ACL nor a bucket policy can make the bucket public.",
		Service:      "s3",
		Severity:     compliance.High,
		ResourceType: s3TypeBucket,
		Remediation: "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration " +
			"BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true (or set them for the whole account with aws s3control put-public-access-block)",
		Eval: func(a *compliance.Account) []compliance.Result {
			account, accountWhy := s3AccountBlock(a)
			return s3EachBucket(a, func(it *inventory.Item) compliance.Result {
				name := s3BucketName(it)
				bucket, bucketWhy := s3BucketBlock(it)
				var off, unknown []string
				where := map[string]bool{}
				for i, s := range s3Effective(bucket, bucketWhy, account, accountWhy) {
					switch {
					case s.on:
						where[s.where] = true
					case s.unknown != "":
						unknown = append(unknown, s.unknown)
					default:
						off = append(off, s3BlockNames[i])
					}
				}
				switch {
				case len(off) > 0:
					return compliance.FailFor(it, "bucket %s has %s off at both bucket and account level", name, strings.Join(off, ", "))
				case len(unknown) > 0:
					return compliance.ErrorFor(it, "cannot tell whether Block Public Access applies to bucket %s: %s", name, unknown[0])
				case where["bucket"] && where["account"]:
					return compliance.PassFor(it, "all four Block Public Access settings apply to bucket %s (set at bucket and account level)", name)
				case where["account"]:
					return compliance.PassFor(it, "all four Block Public Access settings apply to bucket %s (set at account level)", name)
				}
				return compliance.PassFor(it, "all four Block Public Access settings apply to bucket %s (set at bucket level)", name)
			})
		},
	})
}
