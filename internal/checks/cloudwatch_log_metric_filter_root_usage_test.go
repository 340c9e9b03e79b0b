package checks

import "testing"

func TestCloudwatchLogMetricFilterRootUsage(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_root_usage", monitoringCases(
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
		`{$.eventType!="AwsServiceEvent"&&($.userIdentity.invokedBy NOT EXISTS)&&($.userIdentity.type="Root")}`,
		`{ $.userIdentity.type = "Root" }`,
		"also catches unrelated GetObject",
	))
}
