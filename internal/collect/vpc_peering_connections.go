package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "vpc-peering-connections",
		ResourceTypes: []string{TypeEC2VPCPeering},
		Permissions:   []string{"ec2:DescribeVpcPeeringConnections"},
		Collect:       collectVPCPeerings,
	})
}

// collectVPCPeerings lists the region's VPC peering connections with
// both sides' VPC, owner, region and CIDR blocks (accepterVpcInfo,
// requesterVpcInfo) and their status.
func collectVPCPeerings(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-vpc-peering-connections"}, TypeEC2VPCPeering,
		ec2.NewDescribeVpcPeeringConnectionsPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeVpcPeeringConnectionsInput{}),
		func(all, o *ec2.DescribeVpcPeeringConnectionsOutput) {
			all.VpcPeeringConnections = append(all.VpcPeeringConnections, o.VpcPeeringConnections...)
		})
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, c := range out.VpcPeeringConnections {
		id := aws.ToString(c.VpcPeeringConnectionId)
		it := s.NewItem(TypeEC2VPCPeering, id, "", ec2ARN(s, "vpc-peering-connection", id), c)
		it.Tags = ec2Tags(c.Tags)
		var rels []inventory.Relationship
		for _, side := range []*ec2types.VpcPeeringConnectionVpcInfo{c.RequesterVpcInfo, c.AccepterVpcInfo} {
			if side != nil {
				rels = append(rels, ec2Rel(TypeEC2VPC, aws.ToString(side.VpcId), "Is associated with Vpc"))
			}
		}
		it.Relationships = ec2Rels(rels...)
		items = append(items, it)
	}
	return items, nil
}
