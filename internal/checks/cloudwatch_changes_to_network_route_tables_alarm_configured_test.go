package checks

import "testing"

func TestCloudwatchChangesToNetworkRouteTablesAlarmConfigured(t *testing.T) {
	runCases(t, "cloudwatch_changes_to_network_route_tables_alarm_configured", monitoringCases(
		`{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`,
		`{($.eventName="DisassociateRouteTable"||$.eventName="DeleteRoute"||$.eventName="DeleteRouteTable"||$.eventName="ReplaceRouteTableAssociation"||$.eventName="ReplaceRoute"||$.eventName="CreateRouteTable"||$.eventName="CreateRoute")&&$.eventSource="ec2.amazonaws.com"}`,
		`{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute)) }`,
		"misses DisassociateRouteTable",
	))
}
