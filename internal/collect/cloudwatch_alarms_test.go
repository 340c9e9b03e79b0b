package collect_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCloudWatchCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)
	const topic = "arn:aws:sns:us-east-1:123456789012:alerts"
	c := cloudwatch.NewFromConfig(env.Config, collect.CloudWatchJSON)
	for _, name := range []string{"root-usage", "console-no-mfa"} {
		_, err := c.PutMetricAlarm(t.Context(), &cloudwatch.PutMetricAlarmInput{
			AlarmName: aws.String(name), MetricName: aws.String(name), Namespace: aws.String("CISBenchmark"),
			Statistic: cwtypes.StatisticSum, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
			ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold, ActionsEnabled: aws.Bool(true),
			AlarmActions: []string{topic}, OKActions: []string{topic},
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	snap := env.Collect(t, []string{"eu-west-1", "us-east-1"}, "cloudwatch")
	assertCallsDeclared(t, snap, "cloudwatch")
	items := collecttest.Of(snap, collect.TypeCloudWatchAlarm)
	if len(items) != 2 {
		t.Fatalf("%d alarms, want 2: %+v", len(items), items)
	}
	for _, it := range items {
		c := it.Conf()
		if it.Region != "us-east-1" || it.ResourceID != inventory.Str(c, "alarmName") || it.ARN == "" ||
			inventory.Str(c, "metricName") != it.ResourceID || inventory.Str(c, "namespace") != "CISBenchmark" ||
			len(inventory.List(c, "alarmActions")) != 1 || inventory.Str(c, "comparisonOperator") != "GreaterThanOrEqualToThreshold" {
			t.Errorf("alarm %s: %s", it.ResourceID, it.Configuration)
		}
		// Config's spelling of the OK actions.
		if _, ok := c["okactions"]; !ok {
			t.Errorf("alarm %s: no okactions key in %s", it.ResourceID, it.Configuration)
		}
	}

	env.Proxy.Fail("DescribeAlarms", "AccessDenied", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "cloudwatch")
	if gaps := collecttest.Gaps(snap); len(collecttest.Of(snap, collect.TypeCloudWatchAlarm)) != 0 || len(gaps) != 1 ||
		gaps[0].Errors[0].Permission != "cloudwatch:DescribeAlarms" || !gaps[0].Errors[0].Denied() {
		t.Fatalf("denied: gaps %+v", gaps)
	}
}
