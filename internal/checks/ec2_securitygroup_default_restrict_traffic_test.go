package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2SecurityGroupDefaultRestrictTraffic(t *testing.T) {
	const typ = collect.TypeEC2SecurityGroup
	closed := item(typ, "us-east-1", "sg-d1", `{"groupId":"sg-d1","groupName":"default","vpcId":"vpc-1","ipPermissions":[],"ipPermissionsEgress":[]}`)
	open := item(typ, "us-east-1", "sg-d2", `{"groupId":"sg-d2","groupName":"default","vpcId":"vpc-2","ipPermissions":[{"ipProtocol":"-1","userIdGroupPairs":[{"groupId":"sg-d2"}]}],"ipPermissionsEgress":[{"ipProtocol":"-1","ipRanges":["0.0.0.0/0"]}]}`)
	other := ec2SG("sg-web", "web", `{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":["0.0.0.0/0"]}`)
	runCases(t, "ec2_securitygroup_default_restrict_traffic", []checkCase{
		{"closed passes, others ignored", []*inventory.Item{closed, other}, []want{{compliance.Pass, "sg-d1", "of vpc-1 has no rules"}}},
		{"AWS's default rules fail", []*inventory.Item{open}, []want{{compliance.Fail, "sg-d2", "1 inbound and 1 outbound"}}},
		{"Config spelling", []*inventory.Item{item(typ, "us-east-1", "sg-d3", `{"GroupName":"default","VpcId":"vpc-3","IpPermissions":[],"IpPermissionsEgress":[{"IpProtocol":"-1"}]}`)},
			[]want{{compliance.Fail, "sg-d3", "0 inbound and 1 outbound"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "us-east-1", "ec2:DescribeSecurityGroups", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission"}}},
		{"no default groups", []*inventory.Item{other}, []want{{compliance.NotApplicable, "", "no default security groups"}}},
	})
}
