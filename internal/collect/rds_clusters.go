package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "rds-clusters",
		ResourceTypes: []string{TypeRDSCluster},
		Permissions:   []string{"rds:DescribeDBClusters"},
		Collect:       collectDBClusters,
	})
}

// collectDBClusters lists the region's DB clusters (Aurora, Multi-AZ DB
// clusters, and the Neptune and DocumentDB clusters the RDS API also
// returns). The item's resourceId is the cluster's resource id
// (cluster-…) and its name the cluster identifier, as in Config.
func collectDBClusters(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "rds", Operation: "describe-db-clusters", Permission: "rds:DescribeDBClusters"}, TypeRDSCluster,
		rds.NewDescribeDBClustersPaginator(rds.NewFromConfig(s.AWS), &rds.DescribeDBClustersInput{}),
		func(all, o *rds.DescribeDBClustersOutput) { all.DBClusters = append(all.DBClusters, o.DBClusters...) })
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, c := range out.DBClusters {
		name := aws.ToString(c.DBClusterIdentifier)
		it := s.NewItem(TypeRDSCluster, ec2FirstNonEmpty(aws.ToString(c.DbClusterResourceId), name), name, aws.ToString(c.DBClusterArn), c)
		rdsTags(it, c.TagList)
		it.ResourceCreationTime = c.ClusterCreateTime
		it.AvailabilityZone = "Multiple Availability Zones"
		var rels []inventory.Relationship
		for _, g := range c.VpcSecurityGroups {
			rels = append(rels, ec2Rel(TypeEC2SecurityGroup, aws.ToString(g.VpcSecurityGroupId), relAssociatedWithSecGroup))
		}
		it.Relationships = ec2Rels(rels...)
		for _, m := range c.DBClusterMembers {
			it.Relationships = append(it.Relationships, inventory.Relationship{
				ResourceType: TypeRDSInstance, ResourceName: aws.ToString(m.DBInstanceIdentifier), RelationshipName: "Contains DBInstance",
			})
		}
		items = append(items, it)
	}
	return items, nil
}
