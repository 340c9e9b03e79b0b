package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "ec2-network-acls",
		ResourceTypes: []string{TypeEC2NetworkACL},
		Permissions:   []string{"ec2:DescribeNetworkAcls"},
		Collect:       collectNetworkACLs,
	})
}

// collectNetworkACLs lists the region's network ACLs with their entries
// (ruleNumber, protocol, ruleAction, egress, cidrBlock or ipv6CidrBlock,
// portRange) and subnet associations.
func collectNetworkACLs(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-network-acls"}, TypeEC2NetworkACL,
		ec2.NewDescribeNetworkAclsPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeNetworkAclsInput{}),
		func(all, o *ec2.DescribeNetworkAclsOutput) {
			all.NetworkAcls = append(all.NetworkAcls, o.NetworkAcls...)
		})
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, n := range out.NetworkAcls {
		id := aws.ToString(n.NetworkAclId)
		it := s.NewItem(TypeEC2NetworkACL, id, "", ec2ARN(s, "network-acl", id), n)
		it.Tags = ec2Tags(n.Tags)
		rels := []inventory.Relationship{ec2Rel(TypeEC2VPC, aws.ToString(n.VpcId), relContainedInVpc)}
		for _, a := range n.Associations {
			rels = append(rels, ec2Rel(typeEC2Subnet, aws.ToString(a.SubnetId), "Is attached to Subnet"))
		}
		it.Relationships = ec2Rels(rels...)
		items = append(items, it)
	}
	return items, nil
}
