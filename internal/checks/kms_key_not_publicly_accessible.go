package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "kms_key_not_publicly_accessible",
		Title:        "KMS key policy does not allow access to everyone",
		Description:  "A key policy statement that allows Principal \"*\" without a condition restricting the caller's account or organization lets any AWS account use or manage the key. Customer-managed keys that are not pending deletion are evaluated.",
		Service:      "kms",
		Severity:     compliance.Critical,
		ResourceType: collect.TypeKMSKey,
		Remediation:  "aws kms put-key-policy --key-id <key id> --policy-name default --policy file://policy.json, naming the principals or adding a kms:CallerAccount / aws:PrincipalOrgID condition",
		Eval: func(a *compliance.Account) []compliance.Result {
			return monEachItem(a, collect.TypeKMSKey, "the account has no customer-managed KMS key", func(it *inventory.Item) (compliance.Result, bool) {
				c := it.Conf()
				if !strings.EqualFold(inventory.Str(c, "keyManager"), "CUSTOMER") {
					if why := monItemError(it, "DescribeKey"); why != "" {
						return compliance.ErrorFor(it, "KMS key %s: %s", it.ResourceID, why), true
					}
					return compliance.Result{}, false
				}
				if strings.HasPrefix(inventory.Str(c, "keyState"), "Pending") && strings.Contains(inventory.Str(c, "keyState"), "Deletion") {
					return compliance.Result{}, false
				}
				doc := inventory.PolicyDoc(inventory.Get(it.Supp(), "Policy"))
				if doc == nil {
					doc = inventory.PolicyDoc(inventory.Get(c, "policy"))
				}
				if doc == nil {
					why := monItemError(it, "GetKeyPolicy")
					if why == "" {
						why = "key policy not recorded"
					}
					return compliance.ErrorFor(it, "KMS key %s: %s", it.ResourceID, why), true
				}
				if sid, public := kmsPublicStatement(doc); public {
					return compliance.FailFor(it, "KMS key %s's policy allows Principal \"*\" without restricting the caller (statement %s)", it.ResourceID, sid), true
				}
				return compliance.PassFor(it, "KMS key %s's policy grants no unrestricted access to everyone", it.ResourceID), true
			})
		},
	})
}
