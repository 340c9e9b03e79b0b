package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "iam_password_policy_uppercase",
		Title:        "IAM password policy requires at least one uppercase letter",
		Description:  "Requiring uppercase letters widens the character set of passwords and slows guessing.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypePasswordPolicy,
		Remediation:  "aws iam update-account-password-policy --require-uppercase-characters (keep the other settings you need)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return passwordPolicy(a, func(p *inventory.Item) (bool, string) {
				if req, _ := inventory.Bool(p.Conf(), "requireUppercaseCharacters"); req {
					return true, "the password policy requires an uppercase letter"
				}
				return false, "the password policy does not require an uppercase letter"
			})
		},
	})
}
