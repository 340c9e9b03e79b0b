package checks

import (
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_bucket_no_mfa_delete",
		Title: "S3 bucket has MFA Delete enabled",
		Description: "With MFA Delete, changing a bucket's versioning state or permanently deleting an object version " +
			"needs the root user's MFA code, so stolen credentials alone cannot destroy versioned data.",
		Service:      "s3",
		Severity:     compliance.Medium,
		ResourceType: s3TypeBucket,
		Remediation: "As the root user with its MFA device: aws s3api put-bucket-versioning --bucket <bucket> " +
			`--versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:aws:iam::<account>:mfa/root-account-mfa-device <code>"`,
		Eval: func(a *compliance.Account) []compliance.Result {
			return s3EachBucket(a, func(it *inventory.Item) compliance.Result {
				name := s3BucketName(it)
				if why := s3CallFailed(it, "s3:GetBucketVersioning"); why != "" {
					return compliance.ErrorFor(it, "cannot read the versioning of bucket %s: %s", name, why)
				}
				v := inventory.Obj(it.Supp(), "BucketVersioningConfiguration")
				status := inventory.Str(v, "status")
				if status == "" {
					status = "Off"
				}
				// Config: isMfaDeleteEnabled true/false/null; the API: MFADelete Enabled/Disabled.
				enabled, _ := inventory.Bool(v, "isMfaDeleteEnabled")
				if inventory.Str(v, "mfaDelete") == "Enabled" {
					enabled = true
				}
				if enabled {
					return compliance.PassFor(it, "bucket %s has MFA Delete enabled (versioning %s)", name, status)
				}
				return compliance.FailFor(it, "bucket %s has MFA Delete disabled (versioning %s)", name, status)
			})
		},
	})
}
