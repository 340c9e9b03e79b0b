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
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-vpcs"},
		func(ctx context.Context) (*ec2.DescribeVpcsOutput, error) {
			all := &ec2.DescribeVpcsOutput{}
			p := ec2.NewDescribeVpcsPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeVpcsInput{})
			if err := ec2Pages(ctx, p, func(o *ec2.DescribeVpcsOutput) { all.Vpcs = append(all.Vpcs, o.Vpcs...) }); err != nil {
				return nil, err
			}
			return all, nil
		})
	if err != nil {
		s.Gap(TypeEC2VPC, err)
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
