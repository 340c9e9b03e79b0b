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
		Name:          "ec2-security-groups",
		ResourceTypes: []string{TypeEC2SecurityGroup},
		Permissions:   []string{"ec2:DescribeSecurityGroups"},
		Collect:       collectSecurityGroups,
	})
}

// collectSecurityGroups lists the region's security groups. Their rules
// take Config's spelling: each permission lists its IPv4 sources twice,
// as "ipRanges" (CIDR strings) and "ipv4Ranges" ({cidrIp, description}),
// and its IPv6 sources as "ipv6Ranges" ({cidrIpv6, description}).
func collectSecurityGroups(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-security-groups"}, TypeEC2SecurityGroup,
		ec2.NewDescribeSecurityGroupsPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeSecurityGroupsInput{}),
		func(all, o *ec2.DescribeSecurityGroupsOutput) {
			all.SecurityGroups = append(all.SecurityGroups, o.SecurityGroups...)
		})
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, g := range out.SecurityGroups {
		id := aws.ToString(g.GroupId)
		conf := ec2ConfigMap(g)
		conf["ipPermissions"] = sgPermissions(g.IpPermissions)
		conf["ipPermissionsEgress"] = sgPermissions(g.IpPermissionsEgress)
		it := s.NewItem(TypeEC2SecurityGroup, id, aws.ToString(g.GroupName), ec2ARN(s, "security-group", id), conf)
		it.Tags = ec2Tags(g.Tags)
		it.Relationships = ec2Rels(ec2Rel(TypeEC2VPC, aws.ToString(g.VpcId), relContainedInVpc))
		items = append(items, it)
	}
	return items, nil
}

// sgPermissions renders permissions in Config's shape (see
// collectSecurityGroups); lists are present even when empty, as in
// Config's items.
func sgPermissions(perms []ec2types.IpPermission) []any {
	out := []any{}
	for _, p := range perms {
		m := ec2ConfigMap(p)
		cidrs := []any{}
		v4 := []any{}
		for _, r := range p.IpRanges {
			cidrs = append(cidrs, aws.ToString(r.CidrIp))
			v4 = append(v4, inventory.ConfigJSON(r))
		}
		v6 := []any{}
		for _, r := range p.Ipv6Ranges {
			v6 = append(v6, inventory.ConfigJSON(r))
		}
		m["ipRanges"], m["ipv4Ranges"], m["ipv6Ranges"] = cidrs, v4, v6
		for _, k := range []string{"userIdGroupPairs", "prefixListIds"} {
			if m[k] == nil {
				m[k] = []any{}
			}
		}
		out = append(out, m)
	}
	return out
}
