package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:           "account_organization_authorization_guardrails",
		Title:        "Organization accounts are covered by authorization guardrails",
		Description:  "Service control policies and resource control policies set the outer limits of what any principal in a member account may do (CIS 2.1.2). Whether the policies in place are the right guardrails is a judgement no API answers.",
		Service:      "organizations",
		Severity:     compliance.Medium,
		ResourceType: iamAccountType,
		Remediation:  "Enable SCPs and RCPs in AWS Organizations and attach policies that deny leaving the organization, disabling security services and using unapproved regions.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamOrgManual(a, "verify in AWS Organizations that service control and resource control policies are enabled and attached to every OU and account as guardrails")
		},
	})
}
