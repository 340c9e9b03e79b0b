package checks

import "testing"

func TestCloudwatchLogMetricFilterPolicyChanges(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_policy_changes", monitoringCases(
		`{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }`,
		`{$.eventName="DetachGroupPolicy"||$.eventName="AttachGroupPolicy"||$.eventName="DetachUserPolicy"||$.eventName="AttachUserPolicy"||$.eventName="DetachRolePolicy"||$.eventName="AttachRolePolicy"||$.eventName="DeletePolicyVersion"||$.eventName="CreatePolicyVersion"||$.eventName="DeletePolicy"||$.eventName="CreatePolicy"||$.eventName="PutUserPolicy"||$.eventName="PutRolePolicy"||$.eventName="PutGroupPolicy"||$.eventName="DeleteUserPolicy"||$.eventName="DeleteRolePolicy"||$.eventName="DeleteGroupPolicy"}`,
		`{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) }`,
		"misses DetachGroupPolicy",
	))
}
