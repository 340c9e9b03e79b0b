package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_log_metric_filter_sign_in_without_mfa",
		title:   "CloudWatch Logs metric filter and alarm exist for Management Console sign-in without MFA",
		what:    "console sign-ins without MFA",
		pattern: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
		must: []map[string]any{
			ctEvent("signin.amazonaws.com", "ConsoleLogin", "eventType", "AwsConsoleSignIn", "additionalEventData.MFAUsed", "No", "responseElements.ConsoleLogin", "Success"),
		},
		mustNot: []map[string]any{ctEvent("signin.amazonaws.com", "ConsoleLogin", "eventType", "AwsConsoleSignIn", "additionalEventData.MFAUsed", "Yes", "responseElements.ConsoleLogin", "Success")},
	})
}
