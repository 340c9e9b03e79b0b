package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "iam_password_policy_minimum_length_14",
		Title:        "IAM password policy requires a minimum length of 14 or more",
		Description:  "Long passwords resist guessing and brute force; CIS asks for at least 14 characters.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypePasswordPolicy,
		Remediation:  "aws iam update-account-password-policy --minimum-password-length 14 (keep the other settings you need)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return passwordPolicy(a, func(p *inventory.Item) (bool, string) {
				n, ok := inventory.Int(p.Conf(), "minimumPasswordLength")
				if !ok {
					return false, "the password policy sets no minimum length"
				}
				if n < 14 {
					return false, "minimum password length is " + itoa(n) + ", below 14"
				}
				return true, "minimum password length is " + itoa(n)
			})
		},
	})
}
