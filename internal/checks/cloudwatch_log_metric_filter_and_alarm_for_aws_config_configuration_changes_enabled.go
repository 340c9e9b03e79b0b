package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled",
		title:   "CloudWatch Logs metric filter and alarm exist for AWS Config configuration changes",
		what:    "AWS Config configuration changes",
		pattern: `{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }`,
		must:    ctNamed("config.amazonaws.com", "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder"),
		mustNot: []map[string]any{ctEvent("config.amazonaws.com", "DescribeConfigurationRecorders")},
	})
}
