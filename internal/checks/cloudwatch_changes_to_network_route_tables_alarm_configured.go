package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_changes_to_network_route_tables_alarm_configured",
		title:   "CloudWatch Logs metric filter and alarm exist for route table changes",
		what:    "route table changes",
		pattern: `{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`,
		must:    ctNamed("ec2.amazonaws.com", "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"),
		mustNot: []map[string]any{ctEvent("ec2.amazonaws.com", "DescribeRouteTables")},
	})
}
