package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "ebs-volumes",
		ResourceTypes: []string{TypeEC2Volume},
		Permissions:   []string{"ec2:DescribeVolumes"},
		Collect:       collectVolumes,
	})
}

// collectVolumes lists the region's EBS volumes (encrypted, kmsKeyId,
// attachments).
func collectVolumes(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, ok := describeAll(ctx, s, inventory.Op{Service: "ec2", Operation: "describe-volumes"}, TypeEC2Volume,
		ec2.NewDescribeVolumesPaginator(ec2.NewFromConfig(s.AWS), &ec2.DescribeVolumesInput{}),
		func(all, o *ec2.DescribeVolumesOutput) { all.Volumes = append(all.Volumes, o.Volumes...) })
	if !ok {
		return nil, nil
	}
	var items []*inventory.Item
	for _, v := range out.Volumes {
		id := aws.ToString(v.VolumeId)
		it := s.NewItem(TypeEC2Volume, id, "", ec2ARN(s, "volume", id), v)
		it.Tags = ec2Tags(v.Tags)
		it.ResourceCreationTime = v.CreateTime
		if az := aws.ToString(v.AvailabilityZone); az != "" {
			it.AvailabilityZone = az
		}
		var rels []inventory.Relationship
		for _, a := range v.Attachments {
			rels = append(rels, ec2Rel(TypeEC2Instance, aws.ToString(a.InstanceId), "Is attached to Instance"))
		}
		it.Relationships = ec2Rels(rels...)
		items = append(items, it)
	}
	return items, nil
}
