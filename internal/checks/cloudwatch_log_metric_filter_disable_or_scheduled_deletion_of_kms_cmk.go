package checks

func init() {
	cwRegister(cwMonitor{
		id:      "cloudwatch_log_metric_filter_disable_or_scheduled_deletion_of_kms_cmk",
		title:   "CloudWatch Logs metric filter and alarm exist for disabling or scheduled deletion of customer-managed KMS keys",
		what:    "disabling or scheduled deletion of KMS keys",
		pattern: `{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`,
		must:    ctNamed("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion"),
		mustNot: []map[string]any{ctEvent("kms.amazonaws.com", "Decrypt")},
	})
}
