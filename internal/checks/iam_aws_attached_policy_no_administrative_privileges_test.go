package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestAWSAttachedPolicyNoAdministrativePrivileges(t *testing.T) {
	const (
		admin    = "arn:aws:iam::aws:policy/AdministratorAccess"
		readOnly = "arn:aws:iam::aws:policy/ReadOnlyAccess"
		power    = "arn:aws:iam::aws:policy/PowerUserAccess"
	)
	runCases(t, "iam_aws_attached_policy_no_administrative_privileges", []checkCase{
		{"collected policies", []*inventory.Item{
			iamPolicyItem("AdministratorAccess", admin, 1, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
			iamPolicyItem("PowerUserAccess", power, 1, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}`),
			iamPolicyItem("ReadOnlyAccess", readOnly, 0, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*"],"Resource":"*"}]}`),
			iamPrincipal(collect.TypeIAMGroup, "admins", admin), iamPrincipal(collect.TypeIAMRole, "dev", power),
		}, []want{
			{compliance.Fail, "ANPAADMINISTRATORACCESS", `policy AdministratorAccess (attached to group admins) allows Action "*" on every resource`},
			{compliance.Pass, "ANPAPOWERUSERACCESS", "policy PowerUserAccess (attached to role dev) grants no full administrative privileges"},
		}},
		{"Config snapshot without AWS managed policies", []*inventory.Item{
			iamConfigUser("johndoe", `,"attachedManagedPolicies":[{"policyName":"AdministratorAccess","policyArn":"`+admin+`"}]`),
			iamPrincipal(collect.TypeIAMRole, "auditor", readOnly),
		}, []want{
			{compliance.Fail, admin, "AWS's definition"},
			{compliance.Error, readOnly, "policy ReadOnlyAccess (attached to role auditor): its document is not in the snapshot"},
		}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeIAMPolicy, "global", "iam:GetAccountAuthorizationDetails", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountAuthorizationDetails"}}},
		{"none attached", []*inventory.Item{iamPrincipal(collect.TypeIAMRole, "idle")},
			[]want{{compliance.NotApplicable, "", "no attached AWS managed policies"}}},
	})
}
