package checks

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_bucket_policy_public_write_access",
		Title: "S3 bucket policy does not allow public write access",
		Description: "A bucket policy statement that allows Principal \"*\" to write (put or delete objects, change ACLs or " +
			"the policy) without a condition pinning callers to known accounts, organizations, sources or networks lets anyone " +
			"alter the bucket, unless RestrictPublicBuckets (bucket or account level) neutralises public policies.",
		Service:      "s3",
		Severity:     compliance.Critical,
		ResourceType: s3TypeBucket,
		Remediation: "Remove or narrow the statement (name the principals, or add aws:PrincipalOrgID / aws:SourceAccount conditions), " +
			"and turn on RestrictPublicBuckets: aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration " +
			"BlockPublicPolicy=true,RestrictPublicBuckets=true",
		Eval: func(a *compliance.Account) []compliance.Result {
			account, accountWhy := s3AccountBlock(a)
			return s3EachBucketPolicy(a, func(it *inventory.Item, name string, doc map[string]any) compliance.Result {
				if doc == nil {
					return compliance.PassFor(it, "bucket %s has no bucket policy", name)
				}
				bucket, bucketWhy := s3BucketBlock(it)
				restrict := s3Effective(bucket, bucketWhy, account, accountWhy)[3]
				if restrict.on {
					return compliance.PassFor(it, "RestrictPublicBuckets (%s level) keeps the policy of bucket %s from granting public access", restrict.where, name)
				}
				var grants []string
				for i, st := range rpStatements(doc) {
					if who, public := rpPublicAllow(st); public {
						if acts := rpCovered(st, s3WriteActions); len(acts) > 0 {
							grants = append(grants, fmt.Sprintf("statement %s allows %s to write (%s)", rpSid(st, i), who, strings.Join(acts, ", ")))
						}
					}
				}
				switch {
				case len(grants) == 0:
					return compliance.PassFor(it, "the policy of bucket %s allows no public write access", name)
				case restrict.unknown != "":
					return compliance.ErrorFor(it, "the policy of bucket %s: %s; whether RestrictPublicBuckets blocks it is unknown: %s", name, grants[0], restrict.unknown)
				}
				return compliance.FailFor(it, "the policy of bucket %s: %s", name, strings.Join(grants, "; "))
			})
		},
	})
}
