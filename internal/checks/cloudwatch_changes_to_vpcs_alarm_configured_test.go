package checks

import "testing"

func TestCloudwatchChangesToVpcsAlarmConfigured(t *testing.T) {
	runCases(t, "cloudwatch_changes_to_vpcs_alarm_configured", monitoringCases(
		`{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`,
		`{($.eventName="RejectVpcPeeringConnection")||($.eventName="DeleteVpcPeeringConnection")||($.eventName="CreateVpcPeeringConnection")||($.eventName="AcceptVpcPeeringConnection")||($.eventName="ModifyVpcAttribute")||($.eventName="DeleteVpc")||($.eventName="CreateVpc")}`,
		`{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`,
		"misses ModifyVpcAttribute",
	))
}
