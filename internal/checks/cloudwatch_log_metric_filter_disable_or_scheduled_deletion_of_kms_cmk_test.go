package checks

import "testing"

func TestCloudwatchLogMetricFilterDisableOrScheduledDeletionOfKmsCmk(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk", monitoringCases(
		`{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`,
		`{($.eventName="ScheduleKeyDeletion"||$.eventName="DisableKey")&&$.eventSource="kms.amazonaws.com"}`,
		`{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey)) }`,
		"misses ScheduleKeyDeletion",
	))
}
