package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2SecurityGroupCommonPortsRestricted(t *testing.T) {
	runCases(t, "ec2_securitygroup_common_ports_restricted", []checkCase{
		{"https passes", []*inventory.Item{ec2SG("sg-1", "web", `{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":["0.0.0.0/0"]}`)},
			[]want{{compliance.Pass, "sg-1", "20, 21, 3306, 3389 and 4333"}}},
		{"ftp and mysql fail", []*inventory.Item{ec2SG("sg-2", "legacy", `{"ipProtocol":"tcp","fromPort":20,"toPort":21,"ipRanges":["0.0.0.0/0"]},{"ipProtocol":"tcp","fromPort":3306,"toPort":3306,"ipv6Ranges":[{"cidrIpv6":"::/0"}]}`)},
			[]want{{compliance.Fail, "sg-2", "tcp/20 from 0.0.0.0/0, tcp/21 from 0.0.0.0/0, tcp/3306 from ::/0"}}},
		{"4333 from a partner passes", []*inventory.Item{ec2SG("sg-3", "partner", `{"ipProtocol":"tcp","fromPort":4333,"toPort":4333,"ipRanges":["198.51.100.7/32"]}`)},
			[]want{{compliance.Pass, "sg-3", ""}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeEC2SecurityGroup, "us-east-1", "ec2:DescribeSecurityGroups", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission"}}},
	})
}
