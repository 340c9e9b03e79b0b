package sourcetest

import (
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// CreateQueue creates a queue and returns its URL and ARN.
func (e *Env) CreateQueue(t testing.TB, name string) (queueURL, arn string) {
	t.Helper()
	out, err := e.SQS.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: &name})
	if err != nil {
		t.Fatalf("create queue %s: %v", name, err)
	}
	attrs, err := e.SQS.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{
		QueueUrl: out.QueueUrl, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn},
	})
	if err != nil {
		t.Fatalf("queue %s attributes: %v", name, err)
	}
	return aws.ToString(out.QueueUrl), attrs.Attributes[string(types.QueueAttributeNameQueueArn)]
}

// Send sends a message body to a queue.
func (e *Env) Send(t testing.TB, queueURL, body string) {
	t.Helper()
	if _, err := e.SQS.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: &queueURL, MessageBody: &body}); err != nil {
		t.Fatalf("send to %s: %v", queueURL, err)
	}
}

// QueueDepth returns the messages of a queue that are visible and in
// flight (received, not deleted, hidden).
func (e *Env) QueueDepth(t testing.TB, queueURL string) (visible, inFlight int) {
	t.Helper()
	out, err := e.SQS.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{
		QueueUrl: &queueURL,
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		t.Fatalf("queue %s attributes: %v", queueURL, err)
	}
	visible, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)])
	inFlight, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return visible, inFlight
}

// NotifyQueue makes bucket send object-created notifications to a queue.
func (e *Env) NotifyQueue(t testing.TB, bucket, queueARN string) {
	t.Helper()
	_, err := e.S3.PutBucketNotificationConfiguration(t.Context(), &s3.PutBucketNotificationConfigurationInput{
		Bucket: &bucket,
		NotificationConfiguration: &s3types.NotificationConfiguration{
			QueueConfigurations: []s3types.QueueConfiguration{{
				QueueArn: &queueARN,
				Events:   []s3types.Event{"s3:ObjectCreated:*"},
			}},
		},
	})
	if err != nil {
		t.Fatalf("notify %s of bucket %s: %v", queueARN, bucket, err)
	}
}
