package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_log_metric_filter_unauthorized_api_calls",
		title:   "CloudWatch Logs metric filter and alarm exist for unauthorized API calls",
		what:    "unauthorized API calls",
		pattern: `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`,
		must: []map[string]any{
			ctEvent("ec2.amazonaws.com", "RunInstances", "errorCode", "Client.UnauthorizedOperation"),
			ctEvent("s3.amazonaws.com", "GetObject", "errorCode", "AccessDenied"),
			ctEvent("iam.amazonaws.com", "ListUsers", "errorCode", "AccessDeniedException"),
		},
		mustNot: []map[string]any{ctEvent("ec2.amazonaws.com", "DescribeInstances")},
	})
}
