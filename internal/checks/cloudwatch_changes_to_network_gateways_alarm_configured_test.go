package checks

import "testing"

func TestCloudwatchChangesToNetworkGatewaysAlarmConfigured(t *testing.T) {
	runCases(t, "cloudwatch_changes_to_network_gateways_alarm_configured", monitoringCases(
		`{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`,
		`{$.eventName="DetachInternetGateway"||$.eventName="DeleteInternetGateway"||$.eventName="CreateInternetGateway"||$.eventName="AttachInternetGateway"||$.eventName="DeleteCustomerGateway"||$.eventName="CreateCustomerGateway"}`,
		`{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) }`,
		"misses DetachInternetGateway",
	))
}
