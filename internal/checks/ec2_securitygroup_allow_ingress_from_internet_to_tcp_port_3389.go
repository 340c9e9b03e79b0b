package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
		Title: "Security group does not allow ingress from the Internet to TCP port 3389 (RDP)",
		Description: "CIS 6.3 and 6.4: RDP open to 0.0.0.0/0 or ::/0 is a common ransomware entry point; reach Windows instances " +
			"through Fleet Manager, a VPN or a bastion restricted to known addresses.",
		Service:      "ec2",
		Severity:     compliance.High,
		ResourceType: "AWS::EC2::SecurityGroup",
		Remediation:  "aws ec2 revoke-security-group-ingress --group-id <sg> --protocol tcp --port 3389 --cidr 0.0.0.0/0 (and the ::/0 rule with --ip-permissions)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2SGPorts(a, "TCP port 3389", 3389)
		},
	})
}
