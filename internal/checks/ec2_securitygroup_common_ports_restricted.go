package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_securitygroup_common_ports_restricted",
		Title: "Security group does not allow ingress from the Internet to TCP ports 20, 21, 3306, 3389 or 4333",
		Description: "AWS Config's restricted-common-ports with its default blocked ports: FTP (20, 21), MySQL (3306), RDP (3389) " +
			"and 4333 must not be open to 0.0.0.0/0 or ::/0.",
		Service:      "ec2",
		Severity:     compliance.High,
		ResourceType: "AWS::EC2::SecurityGroup",
		Remediation:  "aws ec2 revoke-security-group-ingress --group-id <sg> --protocol tcp --port <port> --cidr 0.0.0.0/0 (and the ::/0 rule with --ip-permissions)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2SGPorts(a, "TCP ports 20, 21, 3306, 3389 and 4333", 20, 21, 3306, 3389, 4333)
		},
	})
}
