package collect

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeEBSSnapshot is an EBS snapshot the account owns. Config does not
// record EBS snapshots; the item's configuration is the API's Snapshot
// (snapshotId, volumeId, encrypted, kmsKeyId, state, startTime, …) and
// its supplementaryConfiguration.CreateVolumePermissions lists who may
// create volumes from it, as ec2:DescribeSnapshotAttribute answers:
// [{"group": "all"}] for a public snapshot, [{"userId": "…"}] per account
// it is shared with, [] when private. When that call fails the list is
// absent and the item's errors say why.
const TypeEBSSnapshot = "AWS::EC2::Snapshot"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "ebs-snapshots",
		ResourceTypes: []string{TypeEBSSnapshot},
		Permissions:   []string{"ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"},
		Collect:       collectSnapshots,
	})
}

func collectSnapshots(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	client := ec2.NewFromConfig(s.AWS)
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-snapshots"}, TypeEBSSnapshot,
		ec2.NewDescribeSnapshotsPaginator(client, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}}),
		func(all, o *ec2.DescribeSnapshotsOutput) { all.Snapshots = append(all.Snapshots, o.Snapshots...) })
	if !ok {
		return nil, nil
	}
	items := make([]*inventory.Item, len(out.Snapshots))
	for i, snap := range out.Snapshots {
		id := aws.ToString(snap.SnapshotId)
		// Snapshot ARNs carry no account id.
		arn := "arn:" + ec2Partition(s.Region) + ":ec2:" + s.Region + "::snapshot/" + id
		it := s.NewItem(TypeEBSSnapshot, id, "", arn, snap)
		it.Tags = ec2Tags(snap.Tags)
		it.ResourceCreationTime = snap.StartTime
		if snap.VolumeId != nil {
			it.Relationships = ec2Rels(ec2Rel(TypeEC2Volume, aws.ToString(snap.VolumeId), "Is associated with Volume"))
		}
		items[i] = it
	}
	err := inventory.ForEach(ctx, s, items, func(ctx context.Context, it *inventory.Item) error {
		attr, err := inventory.Call(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-snapshot-attribute", Resource: it.ResourceID},
			func(ctx context.Context) (*ec2.DescribeSnapshotAttributeOutput, error) {
				return client.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{
					SnapshotId: aws.String(it.ResourceID), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
				})
			})
		if err != nil {
			return ec2ItemError(it, err)
		}
		perms := []map[string]string{}
		for _, p := range attr.CreateVolumePermissions {
			m := map[string]string{}
			if p.Group != "" {
				m["group"] = string(p.Group)
			}
			if p.UserId != nil {
				m["userId"] = aws.ToString(p.UserId)
			}
			perms = append(perms, m)
		}
		b, _ := json.Marshal(perms) // maps of strings always marshal
		it.SupplementaryConfiguration = map[string]json.RawMessage{"CreateVolumePermissions": b}
		return nil
	})
	return items, err
}
