package checks

import "testing"

func TestCloudwatchLogMetricFilterUnauthorizedApiCalls(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_unauthorized_api_calls", monitoringCases(
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`,
		`{($.errorCode="AccessDenied*"&&$.eventName!="HeadBucket")||$.errorCode="*UnauthorizedOperation"}`,
		`{ $.errorCode = "*UnauthorizedOperation" }`,
		"misses GetObject (AccessDenied)",
	))
}
