package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled",
		title:   "CloudWatch Logs metric filter and alarm exist for CloudTrail configuration changes",
		what:    "CloudTrail configuration changes",
		pattern: `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`,
		must:    ctNamed("cloudtrail.amazonaws.com", "CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
		mustNot: []map[string]any{ctEvent("cloudtrail.amazonaws.com", "DescribeTrails")},
	})
}
