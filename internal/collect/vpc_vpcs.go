package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "vpc-vpcs",
		ResourceTypes: []string{TypeEC2VPC},
		Permissions:   []string{"ec2:DescribeVpcs"},
		Collect:       collectVPCs,
	})
}

// collectVPCs lists the region's VPCs (isDefault tells the default VPC).
func collectVPCs(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-vpcs"}, TypeEC2VPC,
		ec2.NewDescribeVpcsPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeVpcsInput{}),
		func(all, o *ec2.DescribeVpcsOutput) { all.Vpcs = append(all.Vpcs, o.Vpcs...) })
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, v := range out.Vpcs {
		id := aws.ToString(v.VpcId)
		it := s.NewItem(TypeEC2VPC, id, "", ec2ARN(s, "vpc", id), v)
		it.Tags = ec2Tags(v.Tags)
		it.AvailabilityZone = "Multiple Availability Zones"
		items = append(items, it)
	}
	return items, nil
}
