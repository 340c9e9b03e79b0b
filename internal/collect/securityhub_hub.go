package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeSecurityHub is a region's Security Hub subscription. Its
// configuration is DescribeHub's answer (hubArn, subscribedAt,
// autoEnableControls, controlFindingGenerator) with "enabled": true, or
// {"enabled": false} when the region answers InvalidAccessException (the
// account is not subscribed to Security Hub there). Every collected
// region has exactly one item.
const TypeSecurityHub = "AWS::SecurityHub::Hub"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "securityhub",
		ResourceTypes: []string{TypeSecurityHub},
		Permissions:   []string{"securityhub:DescribeHub"},
		Collect:       collectSecurityHub,
	})
}

func collectSecurityHub(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "securityhub", Operation: "describe-hub"},
		func(ctx context.Context) (*securityhub.DescribeHubOutput, error) {
			return securityhub.NewFromConfig(s.AWS).DescribeHub(ctx, &securityhub.DescribeHubInput{})
		})
	id := s.Account
	switch {
	case inventory.IsCode(err, "InvalidAccessException"):
		return []*inventory.Item{s.NewItem(TypeSecurityHub, id, "securityhub", "", map[string]any{"enabled": false})}, nil
	case err != nil:
		s.Gap(TypeSecurityHub, err)
		return nil, nil
	}
	conf := configMap(out)
	conf["enabled"] = true
	return []*inventory.Item{s.NewItem(TypeSecurityHub, id, "securityhub", aws.ToString(out.HubArn), conf)}, nil
}
