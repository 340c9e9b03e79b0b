package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "kms_cmk_rotation_enabled",
		Title:        "KMS customer-managed symmetric keys rotate automatically",
		Description:  "Automatic rotation replaces the key material of customer-managed symmetric keys every year (or the configured period), limiting what a leaked key version exposes. Keys with imported or external key material, asymmetric and HMAC keys cannot rotate automatically and are not evaluated; neither are keys that are disabled or pending deletion.",
		Service:      "kms",
		Severity:     compliance.High,
		ResourceType: collect.TypeKMSKey,
		Remediation:  "aws kms enable-key-rotation --key-id <key id>",
		Eval: func(a *compliance.Account) []compliance.Result {
			return monEachItem(a, collect.TypeKMSKey, "the account has no enabled customer-managed symmetric KMS key", func(it *inventory.Item) (compliance.Result, bool) {
				c := it.Conf()
				if why := monItemError(it, "DescribeKey"); why != "" && inventory.Str(c, "keyManager") == "" {
					return compliance.ErrorFor(it, "KMS key %s: %s", it.ResourceID, why), true
				}
				if !kmsRotationApplies(c) {
					return compliance.Result{}, false
				}
				on, ok := inventory.Bool(it.Supp(), "KeyRotationStatus")
				if !ok {
					on, ok = inventory.Bool(c, "keyRotationEnabled")
				}
				switch {
				case !ok:
					why := monItemError(it, "GetKeyRotationStatus")
					if why == "" {
						why = "rotation status not recorded"
					}
					return compliance.ErrorFor(it, "KMS key %s: %s", it.ResourceID, why), true
				case on:
					return compliance.PassFor(it, "KMS key %s rotates automatically", it.ResourceID), true
				}
				return compliance.FailFor(it, "KMS key %s (customer managed, symmetric) does not rotate automatically", it.ResourceID), true
			})
		},
	})
}

// kmsRotationApplies reports whether a key's configuration is a
// customer-managed, enabled, symmetric key with KMS-generated material.
func kmsRotationApplies(c map[string]any) bool {
	spec := inventory.Str(c, "keySpec")
	if spec == "" {
		spec = inventory.Str(c, "customerMasterKeySpec")
	}
	origin := inventory.Str(c, "origin")
	return strings.EqualFold(inventory.Str(c, "keyManager"), "CUSTOMER") &&
		strings.EqualFold(inventory.Str(c, "keyState"), "Enabled") &&
		(spec == "" || spec == "SYMMETRIC_DEFAULT") &&
		(origin == "" || origin == "AWS_KMS")
}
