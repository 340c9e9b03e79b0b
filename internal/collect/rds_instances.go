package collect

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// Resource types of the RDS collectors, as AWS Config records them:
// configuration is the API's description with lower-camel keys and
// supplementaryConfiguration.Tags the tags ([{key, value}]).
const (
	// TypeRDSInstance is a DB instance (storageEncrypted, publiclyAccessible,
	// autoMinorVersionUpgrade, multiAZ, dbClusterIdentifier, endpoint,
	// vpcSecurityGroups, …); resourceId is its resource id (db-…) and
	// resourceName its identifier.
	TypeRDSInstance = "AWS::RDS::DBInstance"
	// TypeRDSCluster is a DB cluster (multiAZ, storageEncrypted,
	// dbClusterMembers, …); resourceId is its resource id (cluster-…) and
	// resourceName its identifier.
	TypeRDSCluster = "AWS::RDS::DBCluster"
	// TypeRDSSnapshot is a DB snapshot the account owns. For manual
	// snapshots supplementaryConfiguration.DBSnapshotAttributes lists the
	// attributes ([{attributeName: "restore", attributeValues: ["all"]}]
	// when public); automated ones cannot be shared and carry none.
	TypeRDSSnapshot = "AWS::RDS::DBSnapshot"
	// TypeRDSClusterSnapshot is a DB cluster snapshot the account owns,
	// with supplementaryConfiguration.DBClusterSnapshotAttributes as for
	// DB snapshots.
	TypeRDSClusterSnapshot = "AWS::RDS::DBClusterSnapshot"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "rds-instances",
		ResourceTypes: []string{TypeRDSInstance},
		Permissions:   []string{"rds:DescribeDBInstances"},
		Collect:       collectDBInstances,
	})
}

// collectDBInstances lists the region's DB instances. As in Config, the
// item's resourceId is the instance's resource id (db-…) and its name the
// instance identifier.
func collectDBInstances(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "rds", Operation: "describe-db-instances", Permission: "rds:DescribeDBInstances"}, TypeRDSInstance,
		rds.NewDescribeDBInstancesPaginator(rds.NewFromConfig(s.AWS), &rds.DescribeDBInstancesInput{}),
		func(all, o *rds.DescribeDBInstancesOutput) {
			all.DBInstances = append(all.DBInstances, o.DBInstances...)
		})
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, db := range out.DBInstances {
		name := aws.ToString(db.DBInstanceIdentifier)
		it := s.NewItem(TypeRDSInstance, ec2FirstNonEmpty(aws.ToString(db.DbiResourceId), name), name, aws.ToString(db.DBInstanceArn), db)
		rdsTags(it, db.TagList)
		it.ResourceCreationTime = db.InstanceCreateTime
		switch {
		case aws.ToBool(db.MultiAZ):
			it.AvailabilityZone = "Multiple Availability Zones"
		case aws.ToString(db.AvailabilityZone) != "":
			it.AvailabilityZone = aws.ToString(db.AvailabilityZone)
		}
		var rels []inventory.Relationship
		for _, g := range db.VpcSecurityGroups {
			rels = append(rels, ec2Rel(TypeEC2SecurityGroup, aws.ToString(g.VpcSecurityGroupId), relAssociatedWithSecGroup))
		}
		if db.DBSubnetGroup != nil {
			rels = append(rels, ec2Rel("AWS::RDS::DBSubnetGroup", aws.ToString(db.DBSubnetGroup.DBSubnetGroupName), "Is associated with DBSubnetGroup"))
		}
		it.Relationships = ec2Rels(rels...)
		items = append(items, it)
	}
	return items, nil
}

// rdsTags sets the item's tags and, as Config does, its
// supplementaryConfiguration.Tags ([{key, value}]).
func rdsTags(it *inventory.Item, tags []rdstypes.Tag) {
	list := []map[string]string{}
	for _, t := range tags {
		if it.Tags == nil {
			it.Tags = map[string]string{}
		}
		it.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		list = append(list, map[string]string{"key": aws.ToString(t.Key), "value": aws.ToString(t.Value)})
	}
	b, _ := json.Marshal(list) // maps of strings always marshal
	if it.SupplementaryConfiguration == nil {
		it.SupplementaryConfiguration = map[string]json.RawMessage{}
	}
	it.SupplementaryConfiguration["Tags"] = b
}
