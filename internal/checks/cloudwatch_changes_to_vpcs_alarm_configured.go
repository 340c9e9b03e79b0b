package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_changes_to_vpcs_alarm_configured",
		title:   "CloudWatch Logs metric filter and alarm exist for VPC changes",
		what:    "VPC changes",
		pattern: `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`,
		must:    ctNamed("ec2.amazonaws.com", "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection"),
		mustNot: []map[string]any{ctEvent("ec2.amazonaws.com", "DescribeVpcs")},
	})
}
