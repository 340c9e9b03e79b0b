package collect_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestLogsCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)
	ctx := t.Context()
	const rootPattern = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
	for _, f := range []struct{ region, group, name, pattern string }{
		{"us-east-1", "trail-logs", "root-usage", rootPattern},
		{"us-east-1", "trail-logs", "console-no-mfa", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`},
		{"eu-west-1", "/aws/app", "errors", "ERROR"},
	} {
		c := cloudwatchlogs.NewFromConfig(env.Config, func(o *cloudwatchlogs.Options) { o.Region = f.region })
		if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(f.group)}); err != nil {
			var exists *cwltypes.ResourceAlreadyExistsException
			if !errors.As(err, &exists) {
				t.Fatal(err)
			}
		}
		_, err := c.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{LogGroupName: aws.String(f.group), FilterName: aws.String(f.name),
			FilterPattern: aws.String(f.pattern), MetricTransformations: []cwltypes.MetricTransformation{
				{MetricName: aws.String(f.name), MetricNamespace: aws.String("CISBenchmark"), MetricValue: aws.String("1")}}})
		if err != nil {
			t.Fatal(err)
		}
	}

	snap := env.Collect(t, []string{"eu-west-1", "us-east-1"}, "logs")
	assertCallsDeclared(t, snap, "logs")
	items := collecttest.Of(snap, collect.TypeLogsMetricFilter)
	if len(items) != 3 {
		t.Fatalf("%d filters, want 3: %+v", len(items), items)
	}
	byID := map[string]*inventory.Item{}
	for _, it := range items {
		byID[it.Region+" "+it.ResourceID] = it
	}
	root := byID["us-east-1 trail-logs:root-usage"]
	if root == nil || byID["eu-west-1 /aws/app:errors"] == nil {
		t.Fatalf("filters %v", byID)
	}
	mt := inventory.List(root.Conf(), "metricTransformations")
	if inventory.Str(root.Conf(), "filterPattern") != rootPattern || inventory.Str(root.Conf(), "logGroupName") != "trail-logs" ||
		root.ResourceName != "root-usage" || len(mt) != 1 || inventory.Str(mt[0], "metricNamespace") != "CISBenchmark" || inventory.Str(mt[0], "metricName") != "root-usage" {
		t.Errorf("root-usage filter %s", root.Configuration)
	}

	env.Proxy.Fail("DescribeMetricFilters", "AccessDeniedException", http.StatusBadRequest, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "logs")
	if gaps := collecttest.Gaps(snap); len(collecttest.Of(snap, collect.TypeLogsMetricFilter)) != 0 || len(gaps) != 1 ||
		gaps[0].Errors[0].Permission != "logs:DescribeMetricFilters" || !gaps[0].Errors[0].Denied() {
		t.Fatalf("denied: gaps %+v", gaps)
	}
}
