package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "iam_customer_unattached_policy_no_administrative_privileges",
		Title:        "Unattached customer managed policies do not allow full administrative privileges",
		Description:  "A customer managed policy attached to nobody yet but allowing every action on every resource (\"*:*\") is one attach-policy call away from granting administrator access (AWS Config's iam-policy-no-statements-with-admin-access evaluates every customer managed policy).",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeIAMPolicy,
		Remediation:  "Delete the policy if unused (aws iam delete-policy --policy-arn <arn>) or narrow its Action and Resource.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamAdminPolicies(a, false, false)
		},
	})
}
