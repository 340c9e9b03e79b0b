package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "rds-snapshots",
		ResourceTypes: []string{TypeRDSSnapshot, TypeRDSClusterSnapshot},
		Permissions: []string{
			"rds:DescribeDBSnapshots", "rds:DescribeDBSnapshotAttributes",
			"rds:DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshotAttributes",
		},
		Collect: collectDBSnapshots,
	})
}

// collectDBSnapshots lists the region's DB snapshots and DB cluster
// snapshots the account owns. As Config does, each manual snapshot's
// attributes go to supplementaryConfiguration.DBSnapshotAttributes
// (DBClusterSnapshotAttributes for cluster snapshots):
// [{"attributeName": "restore", "attributeValues": ["all"]}] for a public
// snapshot. Automated snapshots cannot be shared, so their attributes are
// not read.
func collectDBSnapshots(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	client := rds.NewFromConfig(s.AWS)
	var items []*inventory.Item
	snaps, ok := describeAll(ctx, s, inventory.Op{Service: "rds", Operation: "describe-db-snapshots", Permission: "rds:DescribeDBSnapshots"}, TypeRDSSnapshot,
		rds.NewDescribeDBSnapshotsPaginator(client, &rds.DescribeDBSnapshotsInput{}),
		func(all, o *rds.DescribeDBSnapshotsOutput) {
			all.DBSnapshots = append(all.DBSnapshots, o.DBSnapshots...)
		})
	if ok {
		var manual []*inventory.Item
		for _, sn := range snaps.DBSnapshots {
			id := aws.ToString(sn.DBSnapshotIdentifier)
			it := s.NewItem(TypeRDSSnapshot, id, id, aws.ToString(sn.DBSnapshotArn), sn)
			rdsTags(it, sn.TagList)
			it.ResourceCreationTime = sn.SnapshotCreateTime
			it.Relationships = ec2Rels(ec2Rel(TypeEC2VPC, aws.ToString(sn.VpcId), "Is associated with Vpc"))
			items = append(items, it)
			if aws.ToString(sn.SnapshotType) != "automated" {
				manual = append(manual, it)
			}
		}
		err := inventory.ForEach(ctx, s, manual, func(ctx context.Context, it *inventory.Item) error {
			attrs, err := inventory.Call(ctx, s, inventory.Op{Service: "rds", Operation: "describe-db-snapshot-attributes", Resource: it.ResourceID, Permission: "rds:DescribeDBSnapshotAttributes"},
				func(ctx context.Context) (*rds.DescribeDBSnapshotAttributesOutput, error) {
					return client.DescribeDBSnapshotAttributes(ctx, &rds.DescribeDBSnapshotAttributesInput{DBSnapshotIdentifier: aws.String(it.ResourceID)})
				})
			if err != nil {
				return ec2ItemError(it, err)
			}
			var list any = []any{}
			if r := attrs.DBSnapshotAttributesResult; r != nil && r.DBSnapshotAttributes != nil {
				list = r.DBSnapshotAttributes
			}
			it.SupplementaryConfiguration["DBSnapshotAttributes"] = inventory.ConfigJSON(list)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}

	csnaps, ok := describeAll(ctx, s, inventory.Op{Service: "rds", Operation: "describe-db-cluster-snapshots", Permission: "rds:DescribeDBClusterSnapshots"}, TypeRDSClusterSnapshot,
		rds.NewDescribeDBClusterSnapshotsPaginator(client, &rds.DescribeDBClusterSnapshotsInput{}),
		func(all, o *rds.DescribeDBClusterSnapshotsOutput) {
			all.DBClusterSnapshots = append(all.DBClusterSnapshots, o.DBClusterSnapshots...)
		})
	if !ok {
		return items, nil
	}
	var manual []*inventory.Item
	for _, sn := range csnaps.DBClusterSnapshots {
		id := aws.ToString(sn.DBClusterSnapshotIdentifier)
		it := s.NewItem(TypeRDSClusterSnapshot, id, id, aws.ToString(sn.DBClusterSnapshotArn), sn)
		rdsTags(it, sn.TagList)
		it.ResourceCreationTime = sn.SnapshotCreateTime
		it.AvailabilityZone = "Multiple Availability Zones"
		it.Relationships = ec2Rels(ec2Rel(TypeEC2VPC, aws.ToString(sn.VpcId), "Is associated with Vpc"))
		items = append(items, it)
		if aws.ToString(sn.SnapshotType) != "automated" {
			manual = append(manual, it)
		}
	}
	err := inventory.ForEach(ctx, s, manual, func(ctx context.Context, it *inventory.Item) error {
		attrs, err := inventory.Call(ctx, s, inventory.Op{Service: "rds", Operation: "describe-db-cluster-snapshot-attributes", Resource: it.ResourceID, Permission: "rds:DescribeDBClusterSnapshotAttributes"},
			func(ctx context.Context) (*rds.DescribeDBClusterSnapshotAttributesOutput, error) {
				return client.DescribeDBClusterSnapshotAttributes(ctx, &rds.DescribeDBClusterSnapshotAttributesInput{DBClusterSnapshotIdentifier: aws.String(it.ResourceID)})
			})
		if err != nil {
			return ec2ItemError(it, err)
		}
		var list any = []any{}
		if r := attrs.DBClusterSnapshotAttributesResult; r != nil && r.DBClusterSnapshotAttributes != nil {
			list = r.DBClusterSnapshotAttributes
		}
		it.SupplementaryConfiguration["DBClusterSnapshotAttributes"] = inventory.ConfigJSON(list)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}
