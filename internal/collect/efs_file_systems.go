package collect

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeEFSFileSystem is an EFS file system, as AWS Config records it.
// Config describes it with CloudFormation's property names (Encrypted,
// KmsKeyId, FileSystemPolicy, …); Vigil's items carry the same facts
// with the API's lower-camel names (encrypted, kmsKeyId, fileSystemId,
// …), which the case-insensitive accessors read alike, plus
// fileSystemPolicy: the resource policy as a JSON object, absent when
// the file system has none (PolicyNotFound).
const TypeEFSFileSystem = "AWS::EFS::FileSystem"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "efs",
		ResourceTypes: []string{TypeEFSFileSystem},
		// The CLI's service is "efs", IAM's prefix "elasticfilesystem".
		Permissions: []string{"elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeFileSystemPolicy"},
		Collect:     collectFileSystems,
	})
}

func collectFileSystems(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	client := efs.NewFromConfig(s.AWS)
	out, ok := describeAll(ctx, s, inventory.Op{Service: "efs", Operation: "describe-file-systems", Permission: "elasticfilesystem:DescribeFileSystems"}, TypeEFSFileSystem,
		efs.NewDescribeFileSystemsPaginator(client, &efs.DescribeFileSystemsInput{}),
		func(all, o *efs.DescribeFileSystemsOutput) {
			all.FileSystems = append(all.FileSystems, o.FileSystems...)
		})
	if !ok {
		return nil, nil
	}
	items := make([]*inventory.Item, len(out.FileSystems))
	confs := make(map[*inventory.Item]map[string]any, len(items))
	for i, fs := range out.FileSystems {
		id := aws.ToString(fs.FileSystemId)
		it := s.NewItem(TypeEFSFileSystem, id, aws.ToString(fs.Name), aws.ToString(fs.FileSystemArn), nil)
		it.ResourceCreationTime = fs.CreationTime
		for _, t := range fs.Tags {
			if it.Tags == nil {
				it.Tags = map[string]string{}
			}
			it.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		if az := aws.ToString(fs.AvailabilityZoneName); az != "" {
			it.AvailabilityZone = az // One Zone file system
		}
		items[i] = it
		confs[it] = ec2ConfigMap(fs)
	}
	err := inventory.ForEach(ctx, s, items, func(ctx context.Context, it *inventory.Item) error {
		pol, err := inventory.Call(ctx, s, inventory.Op{Service: "efs", Operation: "describe-file-system-policy", Resource: it.ResourceID, Permission: "elasticfilesystem:DescribeFileSystemPolicy"},
			func(ctx context.Context) (*efs.DescribeFileSystemPolicyOutput, error) {
				return client.DescribeFileSystemPolicy(ctx, &efs.DescribeFileSystemPolicyInput{FileSystemId: aws.String(it.ResourceID)})
			})
		switch {
		case inventory.IsCode(err, "PolicyNotFound"):
			return nil
		case err != nil:
			return ec2ItemError(it, err)
		}
		if doc := inventory.PolicyDoc(aws.ToString(pol.Policy)); doc != nil {
			// Each goroutine owns its item's map; confs itself is only read.
			confs[it]["fileSystemPolicy"] = doc
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		b, _ := json.Marshal(confs[it]) // decoded JSON always marshals
		it.Configuration = b
	}
	return items, nil
}
