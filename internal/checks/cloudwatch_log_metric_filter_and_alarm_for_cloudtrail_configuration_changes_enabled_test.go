package checks

import "testing"

func TestCloudwatchLogMetricFilterAndAlarmForCloudtrailConfigurationChangesEnabled(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_and_alarm_for_cloudtrail_configuration_changes_enabled", monitoringCases(
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`,
		`{$.eventName="StopLogging"||$.eventName="StartLogging"||$.eventName="DeleteTrail"||$.eventName="UpdateTrail"||$.eventName="CreateTrail"}`,
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }`,
		"misses StopLogging",
	))
}
