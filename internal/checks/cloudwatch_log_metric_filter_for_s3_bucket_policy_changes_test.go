package checks

import "testing"

func TestCloudwatchLogMetricFilterForS3BucketPolicyChanges(t *testing.T) {
	runCases(t, "cloudwatch_log_metric_filter_for_s3_bucket_policy_changes", monitoringCases(
		`{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`,
		`{($.eventName="DeleteBucketReplication"||$.eventName="DeleteBucketLifecycle"||$.eventName="DeleteBucketCors"||$.eventName="DeleteBucketPolicy"||$.eventName="PutBucketReplication"||$.eventName="PutBucketLifecycle"||$.eventName="PutBucketCors"||$.eventName="PutBucketPolicy"||$.eventName="PutBucketAcl")&&$.eventSource="s3.amazonaws.com"}`,
		`{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle)) }`,
		"misses DeleteBucketReplication",
	))
}
