package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_changes_to_network_acls_alarm_configured",
		title:   "CloudWatch Logs metric filter and alarm exist for network ACL changes",
		what:    "network ACL changes",
		pattern: `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`,
		must:    ctNamed("ec2.amazonaws.com", "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
		mustNot: []map[string]any{ctEvent("ec2.amazonaws.com", "DescribeNetworkAcls")},
	})
}
