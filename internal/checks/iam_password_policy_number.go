package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "iam_password_policy_number",
		Title:        "IAM password policy requires at least one number",
		Description:  "Requiring digits widens the character set of passwords and slows guessing.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypePasswordPolicy,
		Remediation:  "aws iam update-account-password-policy --require-numbers (keep the other settings you need)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return passwordPolicy(a, func(p *inventory.Item) (bool, string) {
				if req, _ := inventory.Bool(p.Conf(), "requireNumbers"); req {
					return true, "the password policy requires a number"
				}
				return false, "the password policy does not require a number"
			})
		},
	})
}
