package checks

import (
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_bucket_object_versioning",
		Title: "S3 bucket has object versioning enabled",
		Description: "Like AWS Config's s3-bucket-versioning-enabled: with versioning, overwritten and deleted objects " +
			"keep their previous versions, so mistakes and ransomware can be undone.",
		Service:      "s3",
		Severity:     compliance.Medium,
		ResourceType: s3TypeBucket,
		Remediation:  "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled (add a lifecycle rule to expire old versions)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return s3EachBucket(a, func(it *inventory.Item) compliance.Result {
				name := s3BucketName(it)
				if why := s3CallFailed(it, "s3:GetBucketVersioning"); why != "" {
					return compliance.ErrorFor(it, "cannot read the versioning of bucket %s: %s", name, why)
				}
				status := inventory.Str(it.Supp(), "BucketVersioningConfiguration", "status")
				switch status {
				case "Enabled":
					return compliance.PassFor(it, "bucket %s has versioning enabled", name)
				case "":
					status = "Off"
				}
				return compliance.FailFor(it, "bucket %s has versioning %s", name, status)
			})
		},
	})
}
