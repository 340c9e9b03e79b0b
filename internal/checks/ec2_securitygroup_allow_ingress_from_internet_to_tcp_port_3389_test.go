package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2SecurityGroupIngressTCP3389(t *testing.T) {
	runCases(t, "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389", []checkCase{
		{"ssh only passes", []*inventory.Item{ec2SG("sg-1", "ssh", `{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":["0.0.0.0/0"]}`)},
			[]want{{compliance.Pass, "sg-1", "TCP port 3389"}}},
		{"rdp fails", []*inventory.Item{ec2SG("sg-2", "rdp", `{"ipProtocol":"tcp","fromPort":3389,"toPort":3389,"ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}],"ipRanges":["0.0.0.0/0"]}`)},
			[]want{{compliance.Fail, "sg-2", "tcp/3389 from 0.0.0.0/0"}}},
		{"protocol number 6 over a range fails", []*inventory.Item{ec2SG("sg-3", "range", `{"ipProtocol":"6","fromPort":3000,"toPort":4000,"ipv6Ranges":[{"cidrIpv6":"::/0"}]}`)},
			[]want{{compliance.Fail, "sg-3", "tcp/3389 from ::/0"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeEC2SecurityGroup, "us-east-1", "ec2:DescribeSecurityGroups", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission"}}},
	})
}
