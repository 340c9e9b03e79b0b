package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeCloudWatchAlarm is a CloudWatch metric alarm, in AWS Config's shape for
// AWS::CloudWatch::Alarm: configuration is the DescribeAlarms entry
// (alarmName, alarmArn, actionsEnabled, alarmActions, okactions,
// insufficientDataActions, metricName, namespace, statistic, dimensions,
// period, evaluationPeriods, threshold, comparisonOperator, metrics for
// metric-math alarms, stateValue). Composite alarms are not collected.
const TypeCloudWatchAlarm = "AWS::CloudWatch::Alarm"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "cloudwatch",
		ResourceTypes: []string{TypeCloudWatchAlarm},
		Permissions:   []string{"cloudwatch:DescribeAlarms"},
		Collect:       collectAlarms,
	})
}

// CloudWatchJSON makes a CloudWatch client speak the awsJson1_0 protocol,
// which CloudWatch serves alongside its default (Smithy RPC v2 CBOR) and
// which moto, the AWS fake the tests run against, understands.
func CloudWatchJSON(o *cloudwatch.Options) {
	o.Protocol = awsjson.New10(schemas.GraniteServiceVersion20100801)
}

func collectAlarms(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "cloudwatch", Operation: "describe-alarms"},
		func(ctx context.Context) (*cloudwatch.DescribeAlarmsOutput, error) {
			out := &cloudwatch.DescribeAlarmsOutput{}
			p := cloudwatch.NewDescribeAlarmsPaginator(cloudwatch.NewFromConfig(s.AWS, CloudWatchJSON), &cloudwatch.DescribeAlarmsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				out.MetricAlarms = append(out.MetricAlarms, page.MetricAlarms...)
			}
			return out, nil
		})
	if err != nil {
		s.Gap(TypeCloudWatchAlarm, err)
		return nil, nil
	}
	var items []*inventory.Item
	for _, a := range out.MetricAlarms {
		conf := configMap(a)
		// Config spells the OK actions "okactions".
		if v, ok := conf["okActions"]; ok {
			delete(conf, "okActions")
			conf["okactions"] = v
		}
		name := aws.ToString(a.AlarmName)
		items = append(items, s.NewItem(TypeCloudWatchAlarm, name, name, aws.ToString(a.AlarmArn), conf))
	}
	return items, nil
}
