package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "cloudtrail_kms_encryption_enabled",
		Title:        "CloudTrail trail logs are encrypted at rest with a KMS key",
		Description:  "SSE-KMS encryption of delivered CloudTrail logs adds a key policy between the logs and anyone who can read the bucket.",
		Service:      "cloudtrail",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeCloudTrailTrail,
		Remediation:  "aws cloudtrail update-trail --name <trail> --kms-key-id <key ARN> (the key policy must let CloudTrail encrypt)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ctEachTrail(a, func(t ctTrail) compliance.Result {
				if key := inventory.Str(t.it.Conf(), "kmsKeyId"); key != "" {
					return compliance.PassFor(t.it, "trail %s encrypts its logs with KMS key %s", t.name, key)
				}
				return compliance.FailFor(t.it, "trail %s does not encrypt its logs with a KMS key", t.name)
			})
		},
	})
}
