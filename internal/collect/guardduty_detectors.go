package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeGuardDutyDetector is a GuardDuty detector, in AWS Config's shape for
// AWS::GuardDuty::Detector: configuration is GetDetector's answer
// (status ENABLED or DISABLED, findingPublishingFrequency, serviceRole,
// dataSources, features, createdAt, updatedAt) with detectorId added. A
// region where GuardDuty was never enabled has no item.
const TypeGuardDutyDetector = "AWS::GuardDuty::Detector"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "guardduty",
		ResourceTypes: []string{TypeGuardDutyDetector},
		Permissions:   []string{"guardduty:ListDetectors", "guardduty:GetDetector"},
		Collect:       collectDetectors,
	})
}

func collectDetectors(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := guardduty.NewFromConfig(s.AWS)
	list, err := inventory.Call(ctx, s, inventory.Op{Service: "guardduty", Operation: "list-detectors"},
		func(ctx context.Context) (*guardduty.ListDetectorsOutput, error) {
			out := &guardduty.ListDetectorsOutput{}
			p := guardduty.NewListDetectorsPaginator(c, &guardduty.ListDetectorsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				out.DetectorIds = append(out.DetectorIds, page.DetectorIds...)
			}
			return out, nil
		})
	if err != nil {
		s.Gap(TypeGuardDutyDetector, err)
		return nil, nil
	}
	items := make([]*inventory.Item, len(list.DetectorIds))
	for i, id := range list.DetectorIds {
		arn := "arn:" + partitionOf(s.APIRegion) + ":guardduty:" + s.APIRegion + ":" + s.Account + ":detector/" + id
		items[i] = s.NewItem(TypeGuardDutyDetector, id, id, arn, map[string]any{"detectorId": id})
	}
	err = inventory.ForEach(ctx, s, items, func(ctx context.Context, it *inventory.Item) error {
		d, err := inventory.Call(ctx, s, inventory.Op{Service: "guardduty", Operation: "get-detector", Resource: it.ResourceID},
			func(ctx context.Context) (*guardduty.GetDetectorOutput, error) {
				return c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(it.ResourceID)})
			})
		if err != nil {
			noteCallError(it, err)
			return nil
		}
		conf := configMap(d)
		conf["detectorId"] = it.ResourceID
		it.Configuration = inventory.ConfigJSON(conf)
		it.Tags = d.Tags
		return nil
	})
	return items, err
}
