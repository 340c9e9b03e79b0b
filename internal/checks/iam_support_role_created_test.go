package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestSupportRoleCreated(t *testing.T) {
	const support = "arn:aws:iam::aws:policy/AWSSupportAccess"
	runCases(t, "iam_support_role_created", []checkCase{
		{"role passes", []*inventory.Item{iamPrincipal(collect.TypeIAMRole, "aws-support", support), iamPrincipal(collect.TypeIAMRole, "other")},
			[]want{{compliance.Pass, "", "attached to role aws-support"}}},
		{"only a user fails", []*inventory.Item{iamConfigUser("johndoe", `,"attachedManagedPolicies":[{"policyName":"AWSSupportAccess","policyArn":"`+support+`"}]`)},
			[]want{{compliance.Fail, "", "attached only to user johndoe, not to a role"}}},
		{"nothing fails", []*inventory.Item{iamPrincipal(collect.TypeIAMRole, "other")},
			[]want{{compliance.Fail, "", "no role has the AWSSupportAccess policy"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeIAMRole, "global", "iam:GetAccountAuthorizationDetails", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountAuthorizationDetails"}}},
	})
}
