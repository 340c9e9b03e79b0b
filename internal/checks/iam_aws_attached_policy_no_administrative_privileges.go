package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "iam_aws_attached_policy_no_administrative_privileges",
		Title:        "Attached AWS managed policies do not allow full administrative privileges",
		Description:  "AWS managed policies attached to users, groups or roles must not allow every action on every resource (\"*:*\"); AdministratorAccess does. Statements with NotAction that leave IAM allowed count as administrative too.",
		Service:      "iam",
		Severity:     compliance.Critical,
		ResourceType: collect.TypeIAMPolicy,
		Remediation:  "Replace AdministratorAccess by job-function or least-privilege policies: aws iam detach-user-policy / detach-group-policy / detach-role-policy --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamAdminPolicies(a, true, true)
		},
	})
}
