package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// ec2SG builds a security group item with the given ingress permissions.
func ec2SG(id, name, perms string) *inventory.Item {
	it := item(collect.TypeEC2SecurityGroup, "us-east-1", id, `{"groupId":"`+id+`","groupName":"`+name+`","vpcId":"vpc-1","ipPermissions":[`+perms+`],"ipPermissionsEgress":[]}`)
	it.ResourceName = name
	return it
}

func TestEC2SecurityGroupIngressTCP22(t *testing.T) {
	runCases(t, "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22", []checkCase{
		{"office only passes", []*inventory.Item{ec2SG("sg-1", "office", `{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipv4Ranges":[{"cidrIp":"203.0.113.0/24"}],"ipRanges":["203.0.113.0/24"]}`)},
			[]want{{compliance.Pass, "sg-1", "sg-1 (office) allows no ingress"}}},
		{"Config's sample fails", []*inventory.Item{ec2SG("sg-1d56fc66", "launch-wizard-7", `{"ipProtocol":"tcp","fromPort":22,"toPort":22,"userIdGroupPairs":[],"ipRanges":["0.0.0.0/0"],"prefixListIds":[]}`)},
			[]want{{compliance.Fail, "sg-1d56fc66", "tcp/22 from 0.0.0.0/0"}}},
		{"API spelling of ipRanges fails", []*inventory.Item{ec2SG("sg-2", "api", `{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}`)},
			[]want{{compliance.Fail, "sg-2", "tcp/22 from 0.0.0.0/0"}}},
		{"IPv6 range fails", []*inventory.Item{ec2SG("sg-3", "v6", `{"ipProtocol":"tcp","fromPort":0,"toPort":1024,"ipv6Ranges":[{"cidrIpv6":"::/0"}]}`)},
			[]want{{compliance.Fail, "sg-3", "tcp/22 from ::/0"}}},
		{"all traffic fails", []*inventory.Item{ec2SG("sg-4", "open", `{"ipProtocol":"-1","ipRanges":["0.0.0.0/0"]}`)},
			[]want{{compliance.Fail, "sg-4", "tcp/22 from 0.0.0.0/0"}}},
		{"udp 22 passes", []*inventory.Item{ec2SG("sg-5", "udp", `{"ipProtocol":"udp","fromPort":22,"toPort":22,"ipRanges":["0.0.0.0/0"]}`)},
			[]want{{compliance.Pass, "sg-5", ""}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeEC2SecurityGroup, "us-east-1", "ec2:DescribeSecurityGroups", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeSecurityGroups"}}},
	})
}
