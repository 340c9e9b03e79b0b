package checks

import "testing"

func TestCloudwatchLogMetricFilterSecurityGroupChanges(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_security_group_changes", monitoringCases(
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`,
		`{$.eventName="DeleteSecurityGroup"||$.eventName="CreateSecurityGroup"||$.eventName="RevokeSecurityGroupEgress"||$.eventName="RevokeSecurityGroupIngress"||$.eventName="AuthorizeSecurityGroupEgress"||$.eventName="AuthorizeSecurityGroupIngress"}`,
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) }`,
		"misses DeleteSecurityGroup",
	))
}
