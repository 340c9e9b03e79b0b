package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "iam_customer_attached_policy_no_administrative_privileges",
		Title:        "Attached customer managed policies do not allow full administrative privileges",
		Description:  "Customer managed policies attached to users, groups or roles must not allow every action on every resource (\"*:*\"). Statements with NotAction that leave IAM allowed count as administrative too.",
		Service:      "iam",
		Severity:     compliance.High,
		ResourceType: collect.TypeIAMPolicy,
		Remediation:  "Narrow the policy's Action and Resource to what the principals need: aws iam create-policy-version --policy-arn <arn> --policy-document file://least-privilege.json --set-as-default",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamAdminPolicies(a, false, true)
		},
	})
}
