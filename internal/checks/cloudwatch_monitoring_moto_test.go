package checks

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/compliance"
)

// TestLoggingChecksOnMoto runs the logging collectors against a world
// seeded in moto and evaluates the checks over what they collected: the
// items Vigil writes must be read by the checks as Config's are.
func TestLoggingChecksOnMoto(t *testing.T) {
	env := collecttest.New(t)
	ctx := t.Context()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const group = "cloudtrail-logs"
	must(awsapi.S3Client(env.Config, env.Options).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail-logs")}))
	logs := cloudwatchlogs.NewFromConfig(env.Config)
	must(logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}))
	ct := cloudtrail.NewFromConfig(env.Config)
	must(ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("trail-logs"),
		IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true),
		CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:us-east-1:" + collecttest.Account + ":log-group:" + group + ":*"),
		CloudWatchLogsRoleArn:     aws.String("arn:aws:iam::" + collecttest.Account + ":role/trail")}))
	must(ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("main")}))
	must(ct.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("main"),
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}}}))
	// CIS 5.3, with the spacing and order people actually write.
	must(logs.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{LogGroupName: aws.String(group), FilterName: aws.String("root"),
		FilterPattern:         aws.String(`{$.userIdentity.type="Root" && $.eventType !="AwsServiceEvent" && $.userIdentity.invokedBy NOT EXISTS}`),
		MetricTransformations: []cwltypes.MetricTransformation{{MetricName: aws.String("RootUsage"), MetricNamespace: aws.String("CIS"), MetricValue: aws.String("1")}}}))
	topic, err := sns.NewFromConfig(env.Config).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("security-alerts")})
	must(topic, err)
	queue, err := sqs.NewFromConfig(env.Config).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("soc")})
	must(queue, err)
	must(sns.NewFromConfig(env.Config).Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:" + collecttest.Account + ":soc")}))
	must(cloudwatch.NewFromConfig(env.Config, collect.CloudWatchJSON).PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("root-usage"), MetricName: aws.String("RootUsage"), Namespace: aws.String("CIS"),
		Statistic: cwtypes.StatisticSum, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold, AlarmActions: []string{aws.ToString(topic.TopicArn)}}))
	key, err := kms.NewFromConfig(env.Config).CreateKey(ctx, &kms.CreateKeyInput{})
	must(key, err)

	snap := env.Collect(t, []string{"us-east-1"}, "cloudtrail", "logs", "cloudwatch", "sns", "kms")
	a := compliance.NewAccount(collecttest.Account, snap.Items)
	for _, tc := range []struct {
		check  string
		status compliance.Status
		reason string
	}{
		{"cloudwatch_log_metric_filter_root_usage", compliance.Pass, "alarm root-usage notifies topic " + aws.ToString(topic.TopicArn) + " (1 confirmed subscription)"},
		{"cloudwatch_log_metric_filter_unauthorized_api_calls", compliance.Fail, "no metric filter on log group cloudtrail-logs (trail main) catches unauthorized API calls"},
		{"cloudtrail_multi_region_enabled", compliance.Pass, "trail main is multi-region"},
		{"cloudtrail_log_file_validation_enabled", compliance.Pass, "validates"},
		{"cloudtrail_kms_encryption_enabled", compliance.Fail, "does not encrypt"},
		{"cloudtrail_s3_dataevents_read_enabled", compliance.Fail, "none of the account's 1 trail"},
		{"kms_cmk_rotation_enabled", compliance.Fail, aws.ToString(key.KeyMetadata.KeyId) + " (customer managed, symmetric) does not rotate"},
		{"kms_key_not_publicly_accessible", compliance.Pass, "grants no unrestricted access"},
	} {
		rs, err := compliance.Evaluate(a, compliance.Options{Checks: []string{tc.check}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Status != tc.status || !strings.Contains(rs[0].Reason, tc.reason) {
			t.Errorf("%s: %s, want %s %q", tc.check, dump(rs), tc.status, tc.reason)
		}
	}
}
