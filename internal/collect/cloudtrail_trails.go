package collect

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeCloudTrailTrail is a CloudTrail trail, in AWS Config's shape: configuration is
// the DescribeTrails entry (name, s3BucketName, isMultiRegionTrail,
// logFileValidationEnabled, kmsKeyId, cloudWatchLogsLogGroupArn,
// homeRegion, isOrganizationTrail, …); supplementaryConfiguration holds
// TrailStatus (GetTrailStatus: isLogging, latestDeliveryTime,
// latestCloudWatchLogsDeliveryTime, …), EventSelectors and
// AdvancedEventSelectors (GetEventSelectors).
//
// A trail is recorded once, in its home region: DescribeTrails lists a
// multi-region trail in every region (as a "shadow" trail), so the
// collector keeps only the trails whose home region is the region it
// runs in. Organization trails owned by the management account are
// therefore recorded in member accounts too, in their home region; a
// trail whose home region is not scanned is not recorded.
const TypeCloudTrailTrail = "AWS::CloudTrail::Trail"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "cloudtrail",
		ResourceTypes: []string{TypeCloudTrailTrail},
		Permissions:   []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"},
		Collect:       collectTrails,
	})
}

func collectTrails(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := cloudtrail.NewFromConfig(s.AWS)
	// The AWS CLI's default (shadow trails included), so recordings match
	// `aws cloudtrail describe-trails`; shadows are dropped below.
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "cloudtrail", Operation: "describe-trails"},
		func(ctx context.Context) (*cloudtrail.DescribeTrailsOutput, error) {
			return c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
		})
	if err != nil {
		s.Gap(TypeCloudTrailTrail, err)
		return nil, nil
	}
	var trails []cttypes.Trail
	for _, t := range out.TrailList {
		if home := aws.ToString(t.HomeRegion); home == "" || home == s.APIRegion {
			trails = append(trails, t)
		}
	}
	items := make([]*inventory.Item, len(trails))
	for i, t := range trails {
		items[i] = s.NewItem(TypeCloudTrailTrail, aws.ToString(t.Name), aws.ToString(t.Name), aws.ToString(t.TrailARN), t)
	}
	err = inventory.ForEach(ctx, s, items, func(ctx context.Context, it *inventory.Item) error {
		describeTrail(ctx, s, c, it)
		return nil
	})
	return items, err
}

// describeTrail adds a trail's status and event selectors to its item; a
// failed call is recorded on the item.
func describeTrail(ctx context.Context, s *inventory.Scope, c *cloudtrail.Client, it *inventory.Item) {
	arn := it.ARN
	it.SupplementaryConfiguration = map[string]json.RawMessage{}
	status, err := inventory.Call(ctx, s, inventory.Op{Service: "cloudtrail", Operation: "get-trail-status", Resource: arn},
		func(ctx context.Context) (*cloudtrail.GetTrailStatusOutput, error) {
			return c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(arn)})
		})
	if err != nil {
		noteCallError(it, err)
	} else {
		it.SupplementaryConfiguration["TrailStatus"] = inventory.ConfigJSON(status)
	}
	sel, err := inventory.Call(ctx, s, inventory.Op{Service: "cloudtrail", Operation: "get-event-selectors", Resource: arn},
		func(ctx context.Context) (*cloudtrail.GetEventSelectorsOutput, error) {
			return c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(arn)})
		})
	if err != nil {
		noteCallError(it, err)
	} else {
		// Both keys are always written (as lists, empty when none), so
		// checks can tell "no selectors" from "not recorded".
		it.SupplementaryConfiguration["EventSelectors"] = configList(sel.EventSelectors)
		it.SupplementaryConfiguration["AdvancedEventSelectors"] = configList(sel.AdvancedEventSelectors)
	}
}
