package checks

import "testing"

func TestCloudwatchLogMetricFilterAndAlarmForAwsConfigConfigurationChangesEnabled(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_and_alarm_for_aws_config_configuration_changes_enabled", monitoringCases(
		`{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }`,
		`{($.eventName="PutConfigurationRecorder"||$.eventName="PutDeliveryChannel"||$.eventName="DeleteDeliveryChannel"||$.eventName="StopConfigurationRecorder")&&$.eventSource="config.amazonaws.com"}`,
		`{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel)) }`,
		"misses PutConfigurationRecorder",
	))
}
