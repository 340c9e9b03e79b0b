package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2SecurityGroupIngressAllPorts(t *testing.T) {
	runCases(t, "ec2_securitygroup_allow_ingress_from_internet_to_all_ports", []checkCase{
		{"one port passes", []*inventory.Item{ec2SG("sg-1", "web", `{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":["0.0.0.0/0"]}`)},
			[]want{{compliance.Pass, "sg-1", "all ports"}}},
		{"all traffic from a private range passes", []*inventory.Item{ec2SG("sg-2", "vpc", `{"ipProtocol":"-1","ipRanges":["10.0.0.0/8"]}`)},
			[]want{{compliance.Pass, "sg-2", ""}}},
		{"all traffic fails", []*inventory.Item{ec2SG("sg-3", "open", `{"ipProtocol":"-1","ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}],"ipRanges":["0.0.0.0/0"]}`)},
			[]want{{compliance.Fail, "sg-3", "all traffic from 0.0.0.0/0"}}},
		{"whole udp range over IPv6 fails", []*inventory.Item{ec2SG("sg-4", "udp", `{"ipProtocol":"udp","fromPort":0,"toPort":65535,"ipv6Ranges":[{"cidrIpv6":"::/0"}]}`)},
			[]want{{compliance.Fail, "sg-4", "udp/0-65535 from ::/0"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeEC2SecurityGroup, "us-east-1", "ec2:DescribeSecurityGroups", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission"}}},
		{"no groups", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no security groups"}}},
	})
}
