package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// SQSAPI is the part of the SQS API that SQSNotifications calls.
// *sqs.Client implements it.
type SQSAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

// maxWaitPerCall is SQS's limit on one long poll.
const maxWaitPerCall = 20 * time.Second

// SQSNotifications receives S3 object-created notifications from an SQS
// queue, so that new objects are ingested as they arrive instead of by
// listing the bucket. It understands the bodies S3 sends to SQS directly,
// the same wrapped in an SNS envelope (S3 → SNS → SQS, raw delivery or
// not), and S3 events routed by EventBridge. s3:TestEvent messages and
// events other than ObjectCreated:* are deleted without a call to fn.
//
// Delivery is at least once: messages are deleted only after fn returned
// nil, so a failure or a crash makes SQS deliver them again after the
// visibility timeout; the lake's record of ingested keys absorbs the
// duplicates. Messages that are not S3 notifications are left in the
// queue (and logged), for the queue's redrive policy to move them to a
// dead-letter queue.
type SQSNotifications struct {
	// Client, QueueURL and S3 (which opens the notified objects) must be set.
	Client   SQSAPI
	QueueURL string
	S3       S3API
	// MaxMessages is received per call, 1 to 10 (default 10).
	MaxMessages int32
	// VisibilityTimeout hides received messages from other consumers while
	// fn runs (default: the queue's). It must exceed fn's run time, or the
	// messages are delivered again meanwhile.
	VisibilityTimeout time.Duration
	// Log receives a warning per message that is not an S3 notification
	// (nil: discard).
	Log *slog.Logger
}

// Poll receives one batch of messages, long-polling for up to wait (in
// calls of at most 20 s), and returns nil without calling fn when none
// came. Otherwise it calls fn once with the batch's objects (in message
// order, one per distinct key), and deletes the messages once fn returned
// nil. fn's error is returned as is, and the messages stay in the queue.
// Call Poll in a loop; each call is independent.
func (q *SQSNotifications) Poll(ctx context.Context, wait time.Duration, fn func([]Object) error) error {
	if q.Client == nil || q.QueueURL == "" || q.S3 == nil {
		return errors.New("BUG: source.SQSNotifications needs a Client, a QueueURL and an S3 client")
	}
	msgs, err := q.receive(ctx, wait)
	if err != nil || len(msgs) == 0 {
		return err
	}
	var (
		objs    []Object
		seen    = map[string]bool{}
		handled []types.Message
	)
	for _, m := range msgs {
		refs, err := parseNotification([]byte(aws.ToString(m.Body)))
		if err != nil {
			q.log().Warn("message is not an S3 notification: left for the queue's redrive policy",
				"message_id", aws.ToString(m.MessageId), "error", err)
			continue
		}
		handled = append(handled, m)
		for _, r := range refs {
			name := "s3://" + r.bucket + "/" + r.key
			if !seen[name] {
				seen[name] = true
				objs = append(objs, s3Object(q.S3, r.bucket, r.key, r.size))
			}
		}
	}
	if len(objs) > 0 {
		if err := fn(objs); err != nil {
			return err
		}
	}
	return q.delete(ctx, handled)
}

func (q *SQSNotifications) log() *slog.Logger {
	if q.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return q.Log
}

// receive long-polls until messages come or wait has passed.
func (q *SQSNotifications) receive(ctx context.Context, wait time.Duration) ([]types.Message, error) {
	n := q.MaxMessages
	if n <= 0 || n > 10 {
		n = 10
	}
	deadline := time.Now().Add(wait)
	for {
		w := min(max(time.Until(deadline), 0), maxWaitPerCall)
		in := &sqs.ReceiveMessageInput{
			QueueUrl:            aws.String(q.QueueURL),
			MaxNumberOfMessages: n,
			WaitTimeSeconds:     int32((w + time.Second - 1) / time.Second),
		}
		if q.VisibilityTimeout > 0 {
			in.VisibilityTimeout = int32((q.VisibilityTimeout + time.Second - 1) / time.Second)
		}
		out, err := q.Client.ReceiveMessage(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("receive from %s: %w", q.QueueURL, err)
		}
		if len(out.Messages) > 0 || !time.Now().Before(deadline) {
			return out.Messages, nil
		}
	}
}

// delete deletes handled messages, ten per call.
func (q *SQSNotifications) delete(ctx context.Context, msgs []types.Message) error {
	for len(msgs) > 0 {
		batch := msgs[:min(len(msgs), 10)]
		msgs = msgs[len(batch):]
		in := &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(q.QueueURL)}
		for i, m := range batch {
			in.Entries = append(in.Entries, types.DeleteMessageBatchRequestEntry{
				Id:            aws.String(fmt.Sprint(i)),
				ReceiptHandle: m.ReceiptHandle,
			})
		}
		out, err := q.Client.DeleteMessageBatch(ctx, in)
		if err != nil {
			return fmt.Errorf("delete messages from %s: %w", q.QueueURL, err)
		}
		if len(out.Failed) > 0 {
			f := out.Failed[0]
			return fmt.Errorf("delete messages from %s: %d failed, first: %s: %s",
				q.QueueURL, len(out.Failed), aws.ToString(f.Code), aws.ToString(f.Message))
		}
	}
	return nil
}

// objectRef is an object named by a notification.
type objectRef struct {
	bucket, key string
	size        int64
}

// notification holds the fields of the message shapes understood.
type notification struct {
	// S3 → SQS (and SNS raw delivery):
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
	Records []struct {
		EventSource string `json:"eventSource"`
		EventName   string `json:"eventName"`
		S3          struct {
			Bucket struct {
				Name string `json:"name"`
			} `json:"bucket"`
			Object struct {
				Key  string `json:"key"`
				Size int64  `json:"size"`
			} `json:"object"`
		} `json:"s3"`
	} `json:"Records"`
	Event string `json:"Event"` // "s3:TestEvent"
	// SNS envelope: the S3 event is the Message string.
	Type    string `json:"Type"`
	Message string `json:"Message"`
	// EventBridge:
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
	DetailType string `json:"detail-type"`
	Source     string `json:"source"`
	Detail     struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key  string `json:"key"`
			Size int64  `json:"size"`
		} `json:"object"`
	} `json:"detail"`
}

// parseNotification returns the created objects a message body names. A
// test event or another kind of S3 event yields none and no error.
func parseNotification(body []byte) ([]objectRef, error) {
	var n notification
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, fmt.Errorf("%w: %w", vigil.ErrMalformedInput, err)
	}
	if n.Type == "Notification" && n.Message != "" {
		var inner notification
		if err := json.Unmarshal([]byte(n.Message), &inner); err != nil {
			return nil, fmt.Errorf("%w: SNS message: %w", vigil.ErrMalformedInput, err)
		}
		n = inner
	}
	switch {
	case n.Event == "s3:TestEvent":
		return nil, nil
	case n.Records != nil:
		var out []objectRef
		for _, r := range n.Records {
			if r.EventSource != "aws:s3" {
				return nil, fmt.Errorf("%w: event source %q", vigil.ErrMalformedInput, r.EventSource)
			}
			if !strings.HasPrefix(r.EventName, "ObjectCreated:") {
				continue
			}
			// Keys are URL-encoded, '+' for spaces.
			key, err := url.QueryUnescape(r.S3.Object.Key)
			if err != nil || r.S3.Bucket.Name == "" || key == "" {
				return nil, fmt.Errorf("%w: object key %q in bucket %q", vigil.ErrMalformedInput, r.S3.Object.Key, r.S3.Bucket.Name)
			}
			out = append(out, objectRef{bucket: r.S3.Bucket.Name, key: key, size: r.S3.Object.Size})
		}
		return out, nil
	case n.Source == "aws.s3" && n.DetailType != "":
		if n.DetailType != "Object Created" {
			return nil, nil
		}
		// EventBridge keys are not URL-encoded.
		d := n.Detail
		if d.Bucket.Name == "" || d.Object.Key == "" {
			return nil, fmt.Errorf("%w: EventBridge event without bucket or key", vigil.ErrMalformedInput)
		}
		return []objectRef{{bucket: d.Bucket.Name, key: d.Object.Key, size: d.Object.Size}}, nil
	}
	return nil, fmt.Errorf("%w: not an S3 event notification", vigil.ErrMalformedInput)
}
