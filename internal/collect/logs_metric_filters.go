package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeLogsMetricFilter is a CloudWatch Logs metric filter. Config does not
// record metric filters; the configuration is the DescribeMetricFilters
// entry: filterName, filterPattern, logGroupName, metricTransformations
// [{metricName, metricNamespace, metricValue, defaultValue, unit,
// dimensions}], creationTime (epoch milliseconds). The resource id is
// "<logGroupName>:<filterName>" (filter names are unique per log group).
const TypeLogsMetricFilter = "AWS::Logs::MetricFilter"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "logs",
		ResourceTypes: []string{TypeLogsMetricFilter},
		Permissions:   []string{"logs:DescribeMetricFilters"},
		Collect:       collectMetricFilters,
	})
}

func collectMetricFilters(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "logs", Operation: "describe-metric-filters"},
		func(ctx context.Context) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
			out := &cloudwatchlogs.DescribeMetricFiltersOutput{}
			p := cloudwatchlogs.NewDescribeMetricFiltersPaginator(cloudwatchlogs.NewFromConfig(s.AWS), &cloudwatchlogs.DescribeMetricFiltersInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				out.MetricFilters = append(out.MetricFilters, page.MetricFilters...)
			}
			return out, nil
		})
	if err != nil {
		s.Gap(TypeLogsMetricFilter, err)
		return nil, nil
	}
	var items []*inventory.Item
	for _, f := range out.MetricFilters {
		group, name := aws.ToString(f.LogGroupName), aws.ToString(f.FilterName)
		items = append(items, s.NewItem(TypeLogsMetricFilter, group+":"+name, name, "", f))
	}
	return items, nil
}
