package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
		Title: "Security group does not have all ports open to the Internet",
		Description: "CIS 6.3 and 6.4: a rule admitting all traffic, or the whole TCP or UDP port range, from 0.0.0.0/0 or ::/0 " +
			"exposes every service listening on the attached resources, remote administration included.",
		Service:      "ec2",
		Severity:     compliance.Critical,
		ResourceType: "AWS::EC2::SecurityGroup",
		Remediation:  "aws ec2 revoke-security-group-ingress --group-id <sg> --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]; then allow only the ports and sources needed",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2SGPorts(a, "all ports")
		},
	})
}
