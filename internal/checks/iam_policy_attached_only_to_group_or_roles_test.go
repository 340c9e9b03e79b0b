package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPolicyAttachedOnlyToGroupOrRoles(t *testing.T) {
	runCases(t, "iam_policy_attached_only_to_group_or_roles", []checkCase{
		{"users", []*inventory.Item{
			iamUserItem("alice", `,"groupList":["admins"],"userPolicyList":[],"attachedManagedPolicies":[]`, nil),
			iamUserItem("bob", `,"attachedManagedPolicies":[{"policyName":"ReadOnlyAccess","policyArn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}]`, nil),
		}, []want{
			{compliance.Pass, "AIDAALICE", "no inline or attached policies"},
			{compliance.Fail, "AIDABOB", "user bob has policies of its own: managed ReadOnlyAccess"},
		}},
		{"Config's delivered user", []*inventory.Item{iamConfigUser("johndoe", `,"userPolicyList":[{"policyName":"policygen-johndoe","policyDocument":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["codedeploy:*"],"Resource":["*"]}]}]}],"groupList":["MyTestGroup"],"attachedManagedPolicies":[]`)},
			[]want{{compliance.Fail, "AIDAJOHNDOE", "inline policygen-johndoe"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeIAMUser, "global", "iam:GetAccountAuthorizationDetails", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountAuthorizationDetails"}}},
		{"no users", nil, []want{{compliance.NotApplicable, "", "no IAM users"}}},
	})
}
