package checks

import "testing"

func TestCloudwatchLogMetricFilterSignInWithoutMfa(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_sign_in_without_mfa", monitoringCases(
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
		`{$.responseElements.ConsoleLogin="Success" && $.additionalEventData.MFAUsed!=Yes && $.eventName=ConsoleLogin}`,
		`{ $.eventName = "ConsoleLogin" }`,
		"also catches unrelated ConsoleLogin",
	))
}
