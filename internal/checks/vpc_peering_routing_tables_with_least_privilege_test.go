package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestVPCPeeringRoutingTablesWithLeastPrivilege(t *testing.T) {
	const (
		pcxType = collect.TypeEC2VPCPeering
		rtType  = collect.TypeEC2RouteTable
	)
	// Config's sample connection: requester 10.0.1.0/28, accepter 10.0.0.0/28.
	pcx := item(pcxType, "us-east-1", "pcx-test", `{"vpcPeeringConnectionId":"pcx-test","status":{"code":"active","message":"Active"},`+
		`"requesterVpcInfo":{"cidrBlock":"10.0.1.0/28","cidrBlockSet":[{"cidrBlock":"10.0.1.0/28"}],"ipv6CidrBlockSet":[],"vpcId":"vpc-req","region":"us-east-1"},`+
		`"accepterVpcInfo":{"cidrBlock":"10.0.0.0/28","cidrBlockSet":[{"cidrBlock":"10.0.0.0/28"},{"cidrBlock":"10.2.0.0/16"}],"ipv6CidrBlockSet":[{"ipv6CidrBlock":"2600:1f18::/56"}],"vpcId":"vpc-acc","region":"eu-west-1"}}`)
	rt := func(id, vpc, routes string) *inventory.Item {
		return item(rtType, "us-east-1", id, `{"routeTableId":"`+id+`","vpcId":"`+vpc+`","routes":[{"destinationCidrBlock":"10.0.1.0/28","gatewayId":"local"}`+routes+`]}`)
	}
	runCases(t, "vpc_peering_routing_tables_with_least_privilege", []checkCase{
		{"subnet routes pass", []*inventory.Item{pcx, rt("rtb-1", "vpc-req", `,{"destinationCidrBlock":"10.2.3.0/24","vpcPeeringConnectionId":"pcx-test","state":"active"}`)},
			[]want{{compliance.Pass, "pcx-test", "rtb-1 10.2.3.0/24"}}},
		{"route to a whole peer CIDR fails", []*inventory.Item{pcx, rt("rtb-2", "vpc-req", `,{"destinationCidrBlock":"10.2.0.0/16","vpcPeeringConnectionId":"pcx-test"}`)},
			[]want{{compliance.Fail, "pcx-test", "covers all of peer VPC vpc-acc 10.2.0.0/16"}}},
		{"broader prefix on the accepter side fails", []*inventory.Item{pcx,
			item(rtType, "eu-west-1", "rtb-3", `{"routeTableId":"rtb-3","vpcId":"vpc-acc","routes":[{"destinationCidrBlock":"10.0.0.0/8","vpcPeeringConnectionId":"pcx-test"}]}`)},
			[]want{{compliance.Fail, "pcx-test", "vpc-req 10.0.1.0/28"}}},
		{"default route fails (API spelling)", []*inventory.Item{pcx,
			item(rtType, "us-east-1", "rtb-4", `{"RouteTableId":"rtb-4","VpcId":"vpc-req","Routes":[{"DestinationCidrBlock":"0.0.0.0/0","VpcPeeringConnectionId":"pcx-test"}]}`)},
			[]want{{compliance.Fail, "pcx-test", "the whole internet"}}},
		{"IPv6 peer block fails", []*inventory.Item{pcx, rt("rtb-5", "vpc-req", `,{"destinationIpv6CidrBlock":"2600:1f18::/56","vpcPeeringConnectionId":"pcx-test"}`)},
			[]want{{compliance.Fail, "pcx-test", "2600:1f18::/56"}}},
		{"unrouted passes", []*inventory.Item{pcx, rt("rtb-6", "vpc-req", ``)},
			[]want{{compliance.Pass, "pcx-test", "no route table routes through"}}},
		{"route tables denied is an error", []*inventory.Item{pcx, gap(rtType, "eu-west-1", "ec2:DescribeRouteTables", "UnauthorizedOperation")},
			[]want{{compliance.Error, "pcx-test", "missing permission ec2:DescribeRouteTables"}}},
		{"rejected connections are left out", []*inventory.Item{item(pcxType, "us-east-1", "pcx-old", `{"status":{"code":"rejected"}}`)},
			[]want{{compliance.NotApplicable, "", "no VPC peering connections"}}},
		{"peerings denied is an error", []*inventory.Item{gap(pcxType, "us-east-1", "ec2:DescribeVpcPeeringConnections", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeVpcPeeringConnections"}}},
	})
}
