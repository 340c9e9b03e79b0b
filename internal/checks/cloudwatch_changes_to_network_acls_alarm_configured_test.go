package checks

import "testing"

func TestCloudwatchChangesToNetworkAclsAlarmConfigured(t *testing.T) {
	runCases(t, "cloudwatch_changes_to_network_acls_alarm_configured", monitoringCases(
		`{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`,
		`{$.eventName="ReplaceNetworkAclAssociation"||$.eventName="ReplaceNetworkAclEntry"||$.eventName="DeleteNetworkAclEntry"||$.eventName="DeleteNetworkAcl"||$.eventName="CreateNetworkAclEntry"||$.eventName="CreateNetworkAcl"}`,
		`{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) }`,
		"misses ReplaceNetworkAclAssociation",
	))
}
