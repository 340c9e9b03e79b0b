package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:           "account_organization_delegated_admin_services",
		Title:        "Delegated administrators manage Organizations-integrated services",
		Description:  "Security services integrated with AWS Organizations (GuardDuty, Security Hub, Config, IAM Access Analyzer, …) should be administered from delegated member accounts, not the management account (CIS 2.1.6).",
		Service:      "organizations",
		Severity:     compliance.Medium,
		ResourceType: iamAccountType,
		Remediation:  "aws organizations register-delegated-administrator --account-id <security account> --service-principal <service>.amazonaws.com for each integrated service.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamOrgManual(a, "verify that each Organizations-integrated service has a delegated administrator that is a trusted member account (aws organizations list-delegated-administrators)")
		},
	})
}
