package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// CWLAPI is the part of the CloudWatch Logs API that CloudWatchLogs calls.
// *cloudwatchlogs.Client implements it. Implementations must be safe for
// concurrent use.
type CWLAPI interface {
	DescribeLogStreams(ctx context.Context, in *cloudwatchlogs.DescribeLogStreamsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogStreamsOutput, error)
	GetLogEvents(ctx context.Context, in *cloudwatchlogs.GetLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// DefaultSettle is how old an event must be (by its timestamp) before
// CloudWatchLogs reads it, when CloudWatchLogs.Settle is zero. CloudTrail
// delivers to CloudWatch Logs within about 5 minutes of the API call and
// VPC Flow Logs publish each aggregation interval (1 or 10 minutes) a few
// minutes after it closes.
const DefaultSettle = 15 * time.Minute

// CloudWatchLogs lists a log group's streams as slices of events, one
// Object per stream with events in the slice's time range.
//
// # Objects
//
// An Object's Name and Path are cwlogs://<group>/<stream>@<from>-<to>:
// the events of the stream whose timestamp (Unix milliseconds) lies in
// [from, to]. from is one past StartAfter(stream) (or Since, whichever is
// later); to is the earliest of the stream's lastEventTimestamp, Until and
// now minus Settle. A stream with nothing in that range is not listed.
// Open reads the events with GetLogEvents, oldest first, page after page,
// and renders each event's message as one line: a CloudTrail record (JSON)
// for CloudTrail groups, a flow-log record for flow-log groups; the
// decoders read both as lines. Line breaks inside a message are replaced
// by spaces. Size is 0: the size of a slice is not known before it is read.
//
// # Exactly once, and where it stops
//
// The lake records each ingested Object's name, and StartAfter(stream)
// returns the greatest <to> among the recorded names of that stream (see
// ParseCWLogsName), so the next run's slice starts at to+1: slices of a
// stream never overlap and every millisecond up to the last <to> is read by
// exactly one committed slice. A slice that fails, or a run that crashes
// before committing it, records nothing, and the next run reads the same
// range again (from the same from, to a later to). Without StartAfter every
// run reads from Since again and the lake holds duplicates.
//
// CloudWatch Logs timestamps are the producer's event times, not arrival
// times, and are not unique: several events may share the millisecond <to>,
// and PutLogEvents accepts events up to 14 days old. An event that arrives
// after its slice was read, with a timestamp at or below the slice's <to>,
// is never read: delivery is exactly once for events that arrive within
// Settle of their timestamp, and at most once beyond. That is why <to> is
// at most now minus Settle: the boundary millisecond, like every other of
// the slice, is at least Settle old when it is read, so the events sharing
// it are all there unless they are late by more than Settle. Raise Settle
// for producers that deliver late; the price is that the newest Settle of
// events waits for the next run. DescribeLogStreams' lastEventTimestamp is
// eventually consistent (it can lag by up to an hour); a lagging value only
// makes a slice end earlier, it loses nothing.
type CloudWatchLogs struct {
	// Client and Group must be set.
	Client CWLAPI
	Group  string
	// Region is the group's region, given to the records that lack one.
	Region string
	// Streams, if set, are stream name prefixes: only the streams starting
	// with one of them are listed.
	Streams []string
	// Since and Until, if set, bound the event timestamps read (both
	// included).
	Since, Until time.Time
	// StartAfter, if set, returns the greatest event timestamp (Unix ms)
	// already ingested from a stream: the greatest <to> of its recorded
	// slices, 0 when none.
	StartAfter func(stream string) int64
	// Settle is how old events must be before they are read (default
	// DefaultSettle; negative: read up to now).
	Settle time.Duration
	// Now returns the current time (default time.Now).
	Now func() time.Time
}

var _ Lister = (*CloudWatchLogs)(nil)

// List implements Lister. It calls fn in stream name order.
func (c *CloudWatchLogs) List(ctx context.Context, fn func(Object) error) error {
	if c.Client == nil || c.Group == "" {
		return errors.New("BUG: source.CloudWatchLogs needs a Client and a Group")
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	settle := c.Settle
	if settle == 0 {
		settle = DefaultSettle
	} else if settle < 0 {
		settle = 0
	}
	upto := now().Add(-settle).UnixMilli()
	if !c.Until.IsZero() {
		upto = min(upto, c.Until.UnixMilli())
	}
	var since int64
	if !c.Since.IsZero() {
		since = c.Since.UnixMilli()
	}
	prefixes := c.Streams
	if len(prefixes) == 0 {
		prefixes = []string{""}
	}
	var objs []Object
	seen := map[string]bool{}
	for _, prefix := range prefixes {
		in := &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(c.Group)}
		if prefix != "" {
			in.LogStreamNamePrefix = aws.String(prefix)
		}
		p := cloudwatchlogs.NewDescribeLogStreamsPaginator(c.Client, in)
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return c.error("list streams of", err)
			}
			for _, s := range out.LogStreams {
				stream := aws.ToString(s.LogStreamName)
				if seen[stream] {
					continue
				}
				seen[stream] = true
				from := since
				if c.StartAfter != nil {
					if last := c.StartAfter(stream); last > 0 {
						from = max(from, last+1)
					}
				}
				if s.LastEventTimestamp == nil {
					continue // no events yet, as far as CloudWatch Logs knows
				}
				// firstEventTimestamp is not used to raise from: it may be
				// stale, and an event older than it would then be skipped.
				to := min(upto, *s.LastEventTimestamp)
				if from > to {
					continue
				}
				objs = append(objs, c.object(stream, from, to))
			}
		}
	}
	slices.SortFunc(objs, func(a, b Object) int { return strings.Compare(a.Name, b.Name) })
	for _, o := range objs {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}

func (c *CloudWatchLogs) error(what string, err error) error {
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return fmt.Errorf("%s log group %s: %w: %w", what, c.Group, vigil.ErrNotFound, err)
	}
	return fmt.Errorf("%s log group %s: %w", what, c.Group, err)
}

// object returns the slice [from, to] of stream.
func (c *CloudWatchLogs) object(stream string, from, to int64) Object {
	name := CWLogsName(c.Group, stream, from, to)
	return Object{
		Path:   name,
		Name:   name,
		Region: c.Region,
		Open: func(ctx context.Context) (io.ReadCloser, error) {
			return &cwlReader{ctx: ctx, c: c.Client, name: name, from: from, to: to, in: cloudwatchlogs.GetLogEventsInput{
				LogGroupName:  aws.String(c.Group),
				LogStreamName: aws.String(stream),
				StartFromHead: aws.Bool(true),
				StartTime:     aws.Int64(from),
				EndTime:       aws.Int64(to + 1), // exclusive
			}}, nil
		},
	}
}

// CWLogsName returns the Object name of the events of a stream with
// timestamps in [from, to] (Unix ms).
func CWLogsName(group, stream string, from, to int64) string {
	return "cwlogs://" + group + "/" + stream + "@" + strconv.FormatInt(from, 10) + "-" + strconv.FormatInt(to, 10)
}

// ParseCWLogsName splits an Object name made by CloudWatchLogs for group
// into its stream and time range. ok is false for other names. Group names
// may hold '/', so the group must be known.
func ParseCWLogsName(group, name string) (stream string, from, to int64, ok bool) {
	rest, ok := strings.CutPrefix(name, "cwlogs://"+group+"/")
	if !ok {
		return "", 0, 0, false
	}
	i := strings.LastIndexByte(rest, '@')
	if i < 0 {
		return "", 0, 0, false
	}
	a, b, ok := strings.Cut(rest[i+1:], "-")
	if !ok {
		return "", 0, 0, false
	}
	from, err1 := strconv.ParseInt(a, 10, 64)
	to, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || rest[:i] == "" {
		return "", 0, 0, false
	}
	return rest[:i], from, to, true
}

// ParseCWLogsURL returns the group of cwlogs://<group>. Group names may
// hold '/' (cwlogs:///aws/vpc/flowlogs is the group /aws/vpc/flowlogs).
func ParseCWLogsURL(s string) (group string, err error) {
	group, ok := strings.CutPrefix(s, "cwlogs://")
	if !ok {
		return "", fmt.Errorf("%q: want cwlogs://<log group>", s)
	}
	if group == "" || len(group) > 512 {
		return "", fmt.Errorf("%q: log group name: want 1 to 512 characters", s)
	}
	for _, r := range group {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/#", r)) {
			return "", fmt.Errorf("%q: log group name: %q is not allowed", s, r)
		}
	}
	return group, nil
}

// cwlReader streams a slice's events as lines, one GetLogEvents page at a
// time. It keeps the Open context because io.Reader's Read takes none, as
// an HTTP response body keeps its request's.
type cwlReader struct {
	ctx      context.Context
	c        CWLAPI
	name     string
	from, to int64
	in       cloudwatchlogs.GetLogEventsInput
	buf      []byte
	off      int
	done     bool
	err      error
}

func (r *cwlReader) Read(p []byte) (int, error) {
	for r.off == len(r.buf) {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.err = r.fetch()
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// fetch reads the next page. The end is reached when the forward token
// comes back unchanged.
func (r *cwlReader) fetch() error {
	out, err := r.c.GetLogEvents(r.ctx, &r.in)
	if err != nil {
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			return fmt.Errorf("read %s: %w: %w", r.name, vigil.ErrNotFound, err)
		}
		return fmt.Errorf("read %s: %w", r.name, err)
	}
	r.buf, r.off = r.buf[:0], 0
	for _, e := range out.Events {
		// The range is checked here too: the API's endTime is exclusive,
		// but not every implementation agrees (moto includes it).
		if ts := aws.ToInt64(e.Timestamp); ts < r.from || ts > r.to {
			continue
		}
		r.buf = appendLine(r.buf, aws.ToString(e.Message))
	}
	next := aws.ToString(out.NextForwardToken)
	if next == "" || next == aws.ToString(r.in.NextToken) {
		r.done = true
	}
	r.in.NextToken = aws.String(next)
	return nil
}

// appendLine appends msg and a newline, with line breaks inside msg turned
// into spaces so that one message stays one line.
func appendLine(buf []byte, msg string) []byte {
	msg = strings.TrimRight(msg, "\r\n")
	if strings.ContainsAny(msg, "\r\n") {
		msg = strings.NewReplacer("\r", " ", "\n", " ").Replace(msg)
	}
	buf = append(buf, msg...)
	return append(buf, '\n')
}

func (r *cwlReader) Close() error { return nil }
