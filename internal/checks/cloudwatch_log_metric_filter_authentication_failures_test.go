package checks

import "testing"

func TestCloudwatchLogMetricFilterAuthenticationFailures(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_authentication_failures", monitoringCases(
		`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
		`{$.errorMessage="Failed authentication"&&$.eventName="ConsoleLogin"}`,
		`{ ($.eventName = ConsoleLogin) }`,
		"also catches unrelated ConsoleLogin",
	))
}
