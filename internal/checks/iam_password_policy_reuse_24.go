package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "iam_password_policy_reuse_24",
		Title:        "IAM password policy prevents reuse of the last 24 passwords",
		Description:  "Preventing password reuse stops users from cycling back to a compromised password; CIS asks that the last 24 be remembered.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypePasswordPolicy,
		Remediation:  "aws iam update-account-password-policy --password-reuse-prevention 24 (keep the other settings you need)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return passwordPolicy(a, func(p *inventory.Item) (bool, string) {
				n, ok := inventory.Int(p.Conf(), "passwordReusePrevention")
				switch {
				case !ok || n == 0:
					return false, "the password policy does not prevent password reuse"
				case n < 24:
					return false, "the password policy remembers " + itoa(n) + " passwords, below 24"
				}
				return true, "the password policy remembers " + itoa(n) + " passwords"
			})
		},
	})
}
