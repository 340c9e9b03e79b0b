package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:           "account_organization_delegated_admin_policies",
		Title:        "A delegated administrator manages AWS Organizations policies",
		Description:  "Delegating policy management to a member account keeps daily work out of the management account (CIS 2.1.5).",
		Service:      "organizations",
		Severity:     compliance.Medium,
		ResourceType: iamAccountType,
		Remediation:  "aws organizations put-resource-policy in the management account, delegating policy management to a dedicated security or governance account.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamOrgManual(a, "verify that an Organizations resource policy delegates policy management to a dedicated member account (aws organizations describe-resource-policy in the management account)")
		},
	})
}
