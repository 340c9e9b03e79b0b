package checks

import (
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_bucket_default_encryption",
		Title: "S3 bucket has default server-side encryption enabled",
		Description: "Like AWS Config's s3-bucket-server-side-encryption-enabled: the bucket has a default encryption rule " +
			"(SSE-S3, SSE-KMS or DSSE-KMS), so every new object is encrypted at rest. S3 has applied SSE-S3 to new buckets " +
			"since January 2023; buckets without a rule predate that or had it removed where the API still allowed it.",
		Service:      "s3",
		Severity:     compliance.Medium,
		ResourceType: s3TypeBucket,
		Remediation: "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration " +
			`'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key>"},"BucketKeyEnabled":true}]}'`,
		Eval: func(a *compliance.Account) []compliance.Result {
			return s3EachBucket(a, func(it *inventory.Item) compliance.Result {
				name := s3BucketName(it)
				if why := s3CallFailed(it, "s3:GetEncryptionConfiguration"); why != "" {
					return compliance.ErrorFor(it, "cannot read the default encryption of bucket %s: %s", name, why)
				}
				for _, r := range inventory.List(it.Supp(), "ServerSideEncryptionConfiguration", "rules") {
					if alg := inventory.Str(r, "applyServerSideEncryptionByDefault", "sseAlgorithm"); alg != "" {
						if key := inventory.Str(r, "applyServerSideEncryptionByDefault", "kmsMasterKeyID"); key != "" {
							return compliance.PassFor(it, "bucket %s encrypts new objects with %s (key %s)", name, alg, key)
						}
						return compliance.PassFor(it, "bucket %s encrypts new objects with %s", name, alg)
					}
				}
				return compliance.FailFor(it, "bucket %s has no default encryption rule", name)
			})
		},
	})
}
