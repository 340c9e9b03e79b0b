package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_networkacl_allow_ingress_any_port",
		Title: "Network ACL does not allow ingress from 0.0.0.0/0 to any port",
		Description: "CIS 6.2: a network ACL whose first matching inbound entry for 0.0.0.0/0 (or ::/0) allows all traffic leaves " +
			"the subnets' remote administration ports, and every other port, to the security groups alone. Entries are evaluated " +
			"in rule-number order as AWS does, so an earlier deny of all traffic wins.",
		Service:      "ec2",
		Severity:     compliance.High,
		ResourceType: "AWS::EC2::NetworkAcl",
		Remediation:  "aws ec2 replace-network-acl-entry --network-acl-id <acl> --ingress --rule-number <n> --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow (allow only what the subnets serve; deny 22 and 3389 first)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2NACLCheck(a, "every port", "-1", -1)
		},
	})
}
