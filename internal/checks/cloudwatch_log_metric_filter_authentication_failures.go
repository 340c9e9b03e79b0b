package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_log_metric_filter_authentication_failures",
		title:   "CloudWatch Logs metric filter and alarm exist for Management Console authentication failures",
		what:    "failed console sign-ins",
		pattern: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
		must: []map[string]any{
			ctEvent("signin.amazonaws.com", "ConsoleLogin", "eventType", "AwsConsoleSignIn", "errorMessage", "Failed authentication", "responseElements.ConsoleLogin", "Failure"),
		},
		mustNot: []map[string]any{ctEvent("signin.amazonaws.com", "ConsoleLogin", "eventType", "AwsConsoleSignIn", "responseElements.ConsoleLogin", "Success")},
	})
}
