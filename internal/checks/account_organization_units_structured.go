package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:           "account_organization_units_structured",
		Title:        "Organizational units are structured by environment and sensitivity",
		Description:  "Grouping accounts in OUs by environment (production, development) and data sensitivity lets guardrails differ where risks differ (CIS 2.1.4).",
		Service:      "organizations",
		Severity:     compliance.Medium,
		ResourceType: iamAccountType,
		Remediation:  "Create OUs per environment and sensitivity (e.g. Security, Infrastructure, Workloads/Prod, Workloads/Dev) and move accounts into them.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamOrgManual(a, "verify that organizational units separate accounts by environment and data sensitivity")
		},
	})
}
