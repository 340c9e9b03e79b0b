package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "iam_password_policy_expires_passwords_within_90_days_or_less",
		Title:        "IAM password policy expires passwords within 90 days or less",
		Description:  "Expiring passwords bounds how long a leaked password stays useful; the AWS Config rule iam-password-policy checks a maximum age of 90 days.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypePasswordPolicy,
		Remediation:  "aws iam update-account-password-policy --max-password-age 90 (keep the other settings you need)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return passwordPolicy(a, func(p *inventory.Item) (bool, string) {
				n, ok := inventory.Int(p.Conf(), "maxPasswordAge")
				switch {
				case !ok || n == 0:
					return false, "passwords never expire"
				case n > 90:
					return false, "passwords expire after " + itoa(n) + " days, more than 90"
				}
				return true, "passwords expire after " + itoa(n) + " days"
			})
		},
	})
}
