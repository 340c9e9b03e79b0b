package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPolicyCloudShellAdminNotAttached(t *testing.T) {
	const shell = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
	runCases(t, "iam_policy_cloudshell_admin_not_attached", []checkCase{
		{"not attached passes", []*inventory.Item{iamPrincipal(collect.TypeIAMRole, "ops", "arn:aws:iam::aws:policy/ReadOnlyAccess")},
			[]want{{compliance.Pass, shell, "attached to no user"}}},
		{"attached fails", []*inventory.Item{
			iamPrincipal(collect.TypeIAMGroup, "devs", shell), iamPrincipal(collect.TypeIAMRole, "ops", shell),
			iamConfigUser("johndoe", `,"attachedManagedPolicies":[{"policyName":"AWSCloudShellFullAccess","policyArn":"`+shell+`"}]`),
		}, []want{{compliance.Fail, shell, "attached to group devs, role ops, user johndoe"}}},
		{"GovCloud partition", []*inventory.Item{iamPrincipal(collect.TypeIAMRole, "ops", "arn:aws-us-gov:iam::aws:policy/AWSCloudShellFullAccess")},
			[]want{{compliance.Fail, shell, "role ops"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeIAMGroup, "global", "iam:GetAccountAuthorizationDetails", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountAuthorizationDetails"}}},
	})
}
