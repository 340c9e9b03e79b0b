package collect

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// This file holds what the EC2, VPC, EBS, RDS and EFS collectors share
// (named ec2… to keep them apart from other families' helpers): draining
// SDK paginators into one merged answer, per-resource call errors, EC2
// ARNs, tags and Config's relationships.

// ec2Pager is an AWS SDK v2 paginator (ec2.DescribeInstancesPaginator,
// rds.DescribeDBInstancesPaginator, efs.DescribeFileSystemsPaginator, …).
type ec2Pager[O, Opt any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*Opt)) (*O, error)
}

// ec2Pages calls add with every page of p, so a collector merges all
// pages into one output the way the AWS CLI prints one merged answer.
func ec2Pages[O, Opt any](ctx context.Context, p ec2Pager[O, Opt], add func(*O)) error {
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		add(page)
	}
	return nil
}

// describeAll runs op with inventory.Call, merging every page of p (an
// EC2, RDS or EFS paginator) into one output with merge, so Call records
// and replays that whole output. If the call fails it records a gap for
// resource type typ and returns false. p is only read when Call runs live.
func describeAll[O, Opt any](ctx context.Context, s *inventory.Scope, op inventory.Op, typ string, p ec2Pager[O, Opt], merge func(all, page *O)) (*O, bool) {
	out, err := inventory.Call(ctx, s, op, func(ctx context.Context) (*O, error) {
		all := new(O)
		if err := ec2Pages(ctx, p, func(page *O) { merge(all, page) }); err != nil {
			return nil, err
		}
		return all, nil
	})
	if err != nil {
		s.Gap(typ, err)
		return nil, false
	}
	return out, true
}

// ec2ARN returns the ARN of an EC2 resource of the scope's account and
// region: arn:aws:ec2:eu-west-1:123456789012:security-group/sg-….
func ec2ARN(s *inventory.Scope, kind, id string) string {
	return "arn:" + ec2Partition(s.Region) + ":ec2:" + s.Region + ":" + s.Account + ":" + kind + "/" + id
}

// ec2Partition returns the ARN partition of region.
func ec2Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// ec2Tags turns EC2 tags into Config's tag map (nil when there are none).
func ec2Tags(tags []ec2types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// ec2Rel is a Config relationship to the resource of type typ and id id
// ("Is contained in Vpc", "Is associated with SecurityGroup", …); it is
// the zero Relationship when id is empty, which ec2Rels drops.
func ec2Rel(typ, id, name string) inventory.Relationship {
	if id == "" {
		return inventory.Relationship{}
	}
	return inventory.Relationship{ResourceType: typ, ResourceID: id, RelationshipName: name}
}

// ec2Rels returns rels without empty and repeated relationships.
func ec2Rels(rels ...inventory.Relationship) []inventory.Relationship {
	var out []inventory.Relationship
	seen := map[inventory.Relationship]bool{}
	for _, r := range rels {
		if r.ResourceID == "" || seen[r] {
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	return out
}

// ec2ConfigMap renders v as inventory.ConfigJSON does, as a map the
// collector can amend before it becomes the item's configuration.
func ec2ConfigMap(v any) map[string]any {
	m := map[string]any{}
	// ConfigJSON renders a struct as a JSON object, which always decodes.
	_ = json.Unmarshal(inventory.ConfigJSON(v), &m)
	return m
}

// ec2ItemError records a failed per-resource call on it and returns nil, or
// returns err when it is not an API failure (a cancelled context).
func ec2ItemError(it *inventory.Item, err error) error {
	var ce *inventory.CallError
	if errors.As(err, &ce) {
		it.Errors = append(it.Errors, *ce)
		return nil
	}
	return err
}

// ec2FirstNonEmpty returns a, or b when a is empty.
func ec2FirstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
