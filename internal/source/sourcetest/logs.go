package sourcetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// Event is a log event to put.
type Event struct {
	At      time.Time
	Message string
}

// CreateLogStream creates a stream, and its group if needed.
func (e *Env) CreateLogStream(t testing.TB, group, stream string) {
	t.Helper()
	_, err := e.Logs.CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &group})
	var exists *types.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		t.Fatalf("create log group %s: %v", group, err)
	}
	_, err = e.Logs.CreateLogStream(t.Context(), &cloudwatchlogs.CreateLogStreamInput{LogGroupName: &group, LogStreamName: &stream})
	if err != nil {
		t.Fatalf("create log stream %s/%s: %v", group, stream, err)
	}
}

// PutLogEvents puts events into a stream, in timestamp order as the API
// requires. CloudWatch Logs (and moto) reject events more than 14 days
// old or 2 hours ahead: seed with times near time.Now.
func (e *Env) PutLogEvents(t testing.TB, group, stream string, events ...Event) {
	t.Helper()
	in := &cloudwatchlogs.PutLogEventsInput{LogGroupName: &group, LogStreamName: &stream}
	for _, ev := range events {
		in.LogEvents = append(in.LogEvents, types.InputLogEvent{Timestamp: aws.Int64(ev.At.UnixMilli()), Message: aws.String(ev.Message)})
	}
	slices.SortStableFunc(in.LogEvents, func(a, b types.InputLogEvent) int { return int(*a.Timestamp - *b.Timestamp) })
	out, err := e.Logs.PutLogEvents(t.Context(), in)
	if err != nil {
		t.Fatalf("put log events into %s/%s: %v", group, stream, err)
	}
	if r := out.RejectedLogEventsInfo; r != nil {
		t.Fatalf("put log events into %s/%s: rejected: too old up to %d, too new from %d, expired up to %d (events may be at most 14 days old and 2 hours ahead)",
			group, stream, aws.ToInt32(r.TooOldLogEventEndIndex), aws.ToInt32(r.TooNewLogEventStartIndex), aws.ToInt32(r.ExpiredLogEventEndIndex))
	}
}
