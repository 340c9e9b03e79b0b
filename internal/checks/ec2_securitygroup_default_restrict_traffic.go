package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_securitygroup_default_restrict_traffic",
		Title: "VPC default security group has no inbound or outbound rules",
		Description: "CIS 6.5 and AWS Config's vpc-default-security-group-closed: resources launched without a security group get " +
			"the VPC's default one; with no rules it admits nothing, so every resource needs a deliberate group.",
		Service:      "ec2",
		Severity:     compliance.High,
		ResourceType: collect.TypeEC2SecurityGroup,
		Remediation:  "Move resources to least-privilege groups, then remove every rule of the default group: aws ec2 revoke-security-group-ingress / revoke-security-group-egress --group-id <default-sg> --ip-permissions <rules>",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeEC2SecurityGroup, "default security groups", func(sg *inventory.Item) (compliance.Result, bool) {
				if inventory.Str(sg.Conf(), "groupName") != "default" {
					return compliance.Result{}, false
				}
				in := len(inventory.List(sg.Conf(), "ipPermissions"))
				out := len(inventory.List(sg.Conf(), "ipPermissionsEgress"))
				vpc := inventory.Str(sg.Conf(), "vpcId")
				if in+out > 0 {
					return compliance.FailFor(sg, "default security group %s of %s has %d inbound and %d outbound rules", sg.ResourceID, vpc, in, out), true
				}
				return compliance.PassFor(sg, "default security group %s of %s has no rules", sg.ResourceID, vpc), true
			})
		},
	})
}
