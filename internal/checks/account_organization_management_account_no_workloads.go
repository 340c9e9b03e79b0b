package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:           "account_organization_management_account_no_workloads",
		Title:        "The organization's management account runs no workloads",
		Description:  "SCPs do not apply to the management account, so anything running there escapes the guardrails (CIS 2.1.3).",
		Service:      "organizations",
		Severity:     compliance.Medium,
		ResourceType: iamAccountType,
		Remediation:  "Move workloads out of the management account into member accounts; keep only billing, organization and identity administration there.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamOrgManual(a, "verify that the management account holds no workloads (compute, databases, application data), only organization and billing administration")
		},
	})
}
