package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "vpc-route-tables",
		ResourceTypes: []string{TypeEC2RouteTable},
		Permissions:   []string{"ec2:DescribeRouteTables"},
		Collect:       collectRouteTables,
	})
}

// collectRouteTables lists the region's route tables with their routes
// (a route through a peering connection carries vpcPeeringConnectionId)
// and subnet associations.
func collectRouteTables(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-route-tables"}, TypeEC2RouteTable,
		ec2.NewDescribeRouteTablesPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeRouteTablesInput{}),
		func(all, o *ec2.DescribeRouteTablesOutput) {
			all.RouteTables = append(all.RouteTables, o.RouteTables...)
		})
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, t := range out.RouteTables {
		id := aws.ToString(t.RouteTableId)
		it := s.NewItem(TypeEC2RouteTable, id, "", ec2ARN(s, "route-table", id), t)
		it.Tags = ec2Tags(t.Tags)
		rels := []inventory.Relationship{ec2Rel(TypeEC2VPC, aws.ToString(t.VpcId), relContainedInVpc)}
		for _, a := range t.Associations {
			rels = append(rels, ec2Rel(typeEC2Subnet, aws.ToString(a.SubnetId), "Is associated with Subnet"))
		}
		it.Relationships = ec2Rels(rels...)
		items = append(items, it)
	}
	return items, nil
}
