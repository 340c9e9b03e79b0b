package audit_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func stsProvider(cfg aws.Config, role string) aws.CredentialsProvider {
	return stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), role)
}

// A regional collector of the test's own, so every scanned region sees
// calls whatever collectors the build registers.
func init() {
	inventory.Register(&inventory.Collector{
		Name: "test-audit-vpcs", ResourceTypes: []string{"Test::EC2::VPC"}, Permissions: []string{"ec2:DescribeVpcs"},
		Collect: func(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
			out, err := inventory.Call(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-vpcs"}, func(ctx context.Context) (*ec2.DescribeVpcsOutput, error) {
				return ec2.NewFromConfig(s.AWS).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
			})
			if err != nil {
				return nil, err
			}
			var items []*inventory.Item
			for _, v := range out.Vpcs {
				items = append(items, s.NewItem("Test::EC2::VPC", aws.ToString(v.VpcId), "", "", v))
			}
			return items, nil
		},
	})
}
