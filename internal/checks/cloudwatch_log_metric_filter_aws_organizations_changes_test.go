package checks

import "testing"

func TestCloudwatchLogMetricFilterAwsOrganizationsChanges(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_aws_organizations_changes", monitoringCases(
		`{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }`,
		`{($.eventName="UpdateOrganizationalUnit"||$.eventName="UpdatePolicy"||$.eventName="RemoveAccountFromOrganization"||$.eventName="MoveAccount"||$.eventName="LeaveOrganization"||$.eventName="InviteAccountToOrganization"||$.eventName="EnablePolicyType"||$.eventName="DisablePolicyType"||$.eventName="DetachPolicy"||$.eventName="DeletePolicy"||$.eventName="DeleteOrganizationalUnit"||$.eventName="DeleteOrganization"||$.eventName="DeclineHandshake"||$.eventName="CreatePolicy"||$.eventName="CreateOrganizationalUnit"||$.eventName="CreateAccount"||$.eventName="AttachPolicy"||$.eventName="AcceptHandshake")&&$.eventSource="organizations.amazonaws.com"}`,
		`{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy)) }`,
		"misses UpdateOrganizationalUnit",
	))
}
