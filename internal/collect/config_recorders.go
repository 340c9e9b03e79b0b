package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeConfigRecorder is an AWS Config configuration recorder with its
// status and the region's delivery channels. Config does not record
// itself; the configuration is the DescribeConfigurationRecorders entry
// (name, roleARN, recordingGroup{allSupported, includeGlobalResourceTypes,
// resourceTypes, exclusionByResourceTypes, recordingStrategy},
// recordingMode) with the DescribeConfigurationRecorderStatus fields added
// at the top level (recording, lastStatus, lastErrorCode,
// lastErrorMessage, lastStartTime, lastStopTime) and deliveryChannels, the
// region's DescribeDeliveryChannels entries (name, s3BucketName,
// snsTopicARN, …) each with lastStatus (the config history delivery
// status from DescribeDeliveryChannelStatus). A region without a recorder
// has no item.
const TypeConfigRecorder = "AWS::Config::ConfigurationRecorder"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "config",
		ResourceTypes: []string{TypeConfigRecorder},
		Permissions: []string{"config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus",
			"config:DescribeDeliveryChannels", "config:DescribeDeliveryChannelStatus"},
		Collect: collectConfigRecorders,
	})
}

func collectConfigRecorders(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := configservice.NewFromConfig(s.AWS)
	recs, err := inventory.Call(ctx, s, inventory.Op{Service: "configservice", Operation: "describe-configuration-recorders"},
		func(ctx context.Context) (*configservice.DescribeConfigurationRecordersOutput, error) {
			return c.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
		})
	if err != nil {
		s.Gap(TypeConfigRecorder, err)
		return nil, nil
	}
	if len(recs.ConfigurationRecorders) == 0 {
		return nil, nil
	}
	status, statusErr := inventory.Call(ctx, s, inventory.Op{Service: "configservice", Operation: "describe-configuration-recorder-status"},
		func(ctx context.Context) (*configservice.DescribeConfigurationRecorderStatusOutput, error) {
			return c.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
		})
	channels, chanErr := inventory.Call(ctx, s, inventory.Op{Service: "configservice", Operation: "describe-delivery-channels"},
		func(ctx context.Context) (*configservice.DescribeDeliveryChannelsOutput, error) {
			return c.DescribeDeliveryChannels(ctx, &configservice.DescribeDeliveryChannelsInput{})
		})
	var chanStatus *configservice.DescribeDeliveryChannelStatusOutput
	var chanStatusErr error
	if chanErr == nil && len(channels.DeliveryChannels) > 0 {
		chanStatus, chanStatusErr = inventory.Call(ctx, s, inventory.Op{Service: "configservice", Operation: "describe-delivery-channel-status"},
			func(ctx context.Context) (*configservice.DescribeDeliveryChannelStatusOutput, error) {
				return c.DescribeDeliveryChannelStatus(ctx, &configservice.DescribeDeliveryChannelStatusInput{})
			})
	}

	var deliveries []any
	if chanErr == nil {
		for _, ch := range channels.DeliveryChannels {
			m := configMap(ch)
			if chanStatus != nil {
				for _, st := range chanStatus.DeliveryChannelsStatus {
					if aws.ToString(st.Name) == aws.ToString(ch.Name) && st.ConfigHistoryDeliveryInfo != nil {
						m["lastStatus"] = string(st.ConfigHistoryDeliveryInfo.LastStatus)
					}
				}
			}
			deliveries = append(deliveries, m)
		}
	}
	var items []*inventory.Item
	for _, r := range recs.ConfigurationRecorders {
		name := aws.ToString(r.Name)
		conf := configMap(r)
		if statusErr == nil {
			conf["recording"] = false
			for _, st := range status.ConfigurationRecordersStatus {
				if aws.ToString(st.Name) != name {
					continue
				}
				for k, v := range configMap(st) {
					if k != "name" && k != "arn" {
						conf[k] = v
					}
				}
			}
		}
		if chanErr == nil {
			conf["deliveryChannels"] = append([]any{}, deliveries...)
		}
		arn := aws.ToString(r.Arn)
		it := s.NewItem(TypeConfigRecorder, name, name, arn, conf)
		for _, e := range []error{statusErr, chanErr, chanStatusErr} {
			if e != nil {
				noteCallError(it, e)
			}
		}
		items = append(items, it)
	}
	return items, nil
}
