package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_log_metric_filter_root_usage",
		title:   "CloudWatch Logs metric filter and alarm exist for root account usage",
		what:    "use of the root user",
		pattern: `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
		must: []map[string]any{
			ctEvent("iam.amazonaws.com", "CreateAccessKey", "userIdentity.type", "Root", "userIdentity.arn", "arn:aws:iam::111122223333:root"),
			ctEvent("signin.amazonaws.com", "ConsoleLogin", "userIdentity.type", "Root", "eventType", "AwsConsoleSignIn"),
		},
		mustNot: []map[string]any{ctEvent("iam.amazonaws.com", "CreateAccessKey"), ctEvent("s3.amazonaws.com", "GetObject", "userIdentity.type", "Root", "eventType", "AwsServiceEvent"), ctEvent("ec2.amazonaws.com", "DescribeInstances", "userIdentity.type", "Root", "userIdentity.invokedBy", "support.amazonaws.com")},
	})
}
