package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_networkacl_allow_ingress_tcp_port_3389",
		Title: "Network ACL does not allow ingress from the Internet to TCP port 3389 (RDP)",
		Description: "CIS 6.2 and AWS Config's nacl-no-unrestricted-ssh-rdp: the first inbound entry for 0.0.0.0/0 (or ::/0) that " +
			"covers TCP 3389, in rule-number order, must deny it.",
		Service:      "ec2",
		Severity:     compliance.Medium,
		ResourceType: "AWS::EC2::NetworkAcl",
		Remediation:  "aws ec2 create-network-acl-entry --network-acl-id <acl> --ingress --rule-number <lower than the allow> --protocol tcp --port-range From=3389,To=3389 --cidr-block 0.0.0.0/0 --rule-action deny (and ::/0 with --ipv6-cidr-block)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2NACLCheck(a, "TCP port 3389", "tcp", 3389)
		},
	})
}
