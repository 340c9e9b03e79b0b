package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_changes_to_network_gateways_alarm_configured",
		title:   "CloudWatch Logs metric filter and alarm exist for network gateway changes",
		what:    "network gateway changes",
		pattern: `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`,
		must:    ctNamed("ec2.amazonaws.com", "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"),
		mustNot: []map[string]any{ctEvent("ec2.amazonaws.com", "DescribeInternetGateways")},
	})
}
