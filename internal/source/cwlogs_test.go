package source_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/source"
	"github.com/vigil-sec/vigil/internal/source/sourcetest"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// t0 is a few hours ago: CloudWatch Logs rejects events older than 14
// days. Listings take their clock from the test.
var t0 = time.Now().UTC().Truncate(time.Hour).Add(-3 * time.Hour)

// events returns n CloudTrail events one second apart from at, with ids
// prefix-0, prefix-1, ...
func events(prefix string, at time.Time, n int) []sourcetest.Event {
	var out []sourcetest.Event
	for i := range n {
		ts := at.Add(time.Duration(i) * time.Second)
		out = append(out, sourcetest.Event{At: ts, Message: sourcetest.Record(fmt.Sprintf("%s-%d", prefix, i), acctA, "us-east-1", ts)})
	}
	return out
}

// readIDs opens each object and decodes it with the CloudTrail reader,
// as ingest does; it returns the event ids read.
func readIDs(t *testing.T, objs []source.Object) []string {
	t.Helper()
	ids := []string{}
	for _, o := range objs {
		rc, err := o.Open(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		r := cloudtrail.NewReader(rc)
		for {
			var e vigil.Event
			err := r.Next(&e)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", o.Name, err)
			}
			ids = append(ids, e.EventID)
		}
		rc.Close()
	}
	return ids
}

func ids(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s-%d", prefix, i))
	}
	return out
}

func TestCloudWatchLogsListAndRead(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	group := "/" + resourceName(t) + "/cloudtrail"
	east, west := acctA+"_CloudTrail_us-east-1", acctA+"_CloudTrail_eu-west-1"
	e.CreateLogStream(t, group, east)
	e.CreateLogStream(t, group, west)
	e.CreateLogStream(t, group, "empty")
	e.PutLogEvents(t, group, east, events("east", t0, 5)...)
	e.PutLogEvents(t, group, west, events("west", t0.Add(time.Minute), 3)...)

	c := &source.CloudWatchLogs{Client: e.Logs, Group: group, Now: func() time.Time { return t0.Add(time.Hour) }}
	objs := list(t, c)
	want := []string{
		source.CWLogsName(group, west, 0, t0.Add(time.Minute+2*time.Second).UnixMilli()),
		source.CWLogsName(group, east, 0, t0.Add(4*time.Second).UnixMilli()),
	}
	if diff := cmp.Diff(want, paths(objs)); diff != "" {
		t.Fatalf("objects (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(append(ids("west", 0, 3), ids("east", 0, 5)...), readIDs(t, objs)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	// One message per line, whatever the messages hold.
	e.PutLogEvents(t, group, "empty", sourcetest.Event{At: t0, Message: "2 123456789012 eni-1 - - - - - - - 1 2 NODATA\n"},
		sourcetest.Event{At: t0, Message: "{\n\"a\": 1}"})
	objs = list(t, &source.CloudWatchLogs{Client: e.Logs, Group: group, Streams: []string{"emp"}, Now: c.Now})
	if len(objs) != 1 {
		t.Fatalf("objects %v", paths(objs))
	}
	rc, err := objs[0].Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	if err != nil || string(b) != "2 123456789012 eni-1 - - - - - - - 1 2 NODATA\n{ \"a\": 1}\n" {
		t.Errorf("read %q, %v", b, err)
	}
}

func TestCloudWatchLogsIncremental(t *testing.T) {
	t.Parallel()
	e, p := newEnv(t)
	group := resourceName(t)
	stream := acctA + "_CloudTrail_us-east-1"
	e.CreateLogStream(t, group, stream)
	e.PutLogEvents(t, group, stream, events("a", t0, 10)...)

	// The lake's record: names of ingested objects.
	var record []string
	startAfter := func(s string) int64 {
		var last int64
		for _, name := range record {
			if st, _, to, ok := source.ParseCWLogsName(group, name); ok && st == s {
				last = max(last, to)
			}
		}
		return last
	}
	now := t0.Add(time.Hour)
	c := &source.CloudWatchLogs{Client: e.Logs, Group: group, StartAfter: startAfter, Now: func() time.Time { return now }}
	run := func() []string {
		objs := list(t, c)
		got := readIDs(t, objs)
		record = append(record, paths(objs)...)
		return got
	}
	if diff := cmp.Diff(ids("a", 0, 10), run()); diff != "" {
		t.Fatalf("first run (-want +got):\n%s", diff)
	}

	// Nothing new: nothing listed, nothing read.
	p.ClearRequests()
	if got := run(); len(got) != 0 {
		t.Errorf("second run read %v", got)
	}
	if n := p.Calls("GetLogEvents"); n != 0 {
		t.Errorf("%d GetLogEvents calls with nothing new", n)
	}

	// New events are read once. An event arriving now with the timestamp
	// of the last one ingested (the boundary millisecond) is not: see the
	// CloudWatchLogs documentation.
	boundary := sourcetest.Event{At: t0.Add(9 * time.Second), Message: sourcetest.Record("late", acctA, "us-east-1", t0)}
	e.PutLogEvents(t, group, stream, append(events("b", t0.Add(time.Minute), 4), boundary)...)
	if diff := cmp.Diff(ids("b", 0, 4), run()); diff != "" {
		t.Errorf("third run (-want +got):\n%s", diff)
	}
	// Events newer than now - Settle wait for a later run (which reads
	// the settled range up to now - Settle, empty here).
	e.PutLogEvents(t, group, stream, events("c", now.Add(-time.Minute), 2)...)
	if got := run(); len(got) != 0 {
		t.Errorf("unsettled events read: %v", got)
	}
	if _, _, to, _ := source.ParseCWLogsName(group, record[len(record)-1]); to != now.Add(-source.DefaultSettle).UnixMilli() {
		t.Errorf("slice %s does not end at now - Settle", record[len(record)-1])
	}
	now = now.Add(time.Hour)
	if diff := cmp.Diff(ids("c", 0, 2), run()); diff != "" {
		t.Errorf("settled run (-want +got):\n%s", diff)
	}
	if len(record) != 4 {
		t.Errorf("record %v", record)
	}
	if _, from, _, _ := source.ParseCWLogsName(group, record[0]); from != 0 {
		t.Errorf("first slice %s does not start at 0", record[0])
	}
	for i := 1; i < len(record); i++ {
		_, from, _, _ := source.ParseCWLogsName(group, record[i])
		_, _, prevTo, _ := source.ParseCWLogsName(group, record[i-1])
		if from != prevTo+1 {
			t.Errorf("slices %s and %s do not abut", record[i-1], record[i])
		}
	}
}

func TestCloudWatchLogsFilters(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	group := resourceName(t)
	for _, s := range []string{"a-1", "a-2", "b-1"} {
		e.CreateLogStream(t, group, s)
		e.PutLogEvents(t, group, s, events(s, t0, 10)...)
	}
	now := func() time.Time { return t0.Add(time.Hour) }
	for _, tc := range []struct {
		name string
		c    source.CloudWatchLogs
		want []string
	}{
		{"streams", source.CloudWatchLogs{Streams: []string{"b-", "a-2"}}, append(ids("a-2", 0, 10), ids("b-1", 0, 10)...)},
		{"since until", source.CloudWatchLogs{Streams: []string{"a-1"}, Since: t0.Add(3 * time.Second), Until: t0.Add(5 * time.Second)}, ids("a-1", 3, 6)},
		{"since after all", source.CloudWatchLogs{Since: t0.Add(time.Minute)}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			c.Client, c.Group, c.Now = e.Logs, group, now
			if diff := cmp.Diff(tc.want, readIDs(t, list(t, &c))); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCloudWatchLogsPagination(t *testing.T) {
	t.Parallel()
	e, p := newEnv(t)
	group := resourceName(t)
	// More streams than one DescribeLogStreams page (50) ...
	for i := range 55 {
		e.CreateLogStream(t, group, fmt.Sprintf("s-%02d", i))
	}
	e.PutLogEvents(t, group, "s-54", events("x", t0, 1)...)
	// ... and more events than one GetLogEvents page (10,000).
	const n = 10_500
	big := events("big", t0, n)
	e.PutLogEvents(t, group, "s-00", big[:5000]...)
	e.PutLogEvents(t, group, "s-00", big[5000:]...)

	p.ClearRequests()
	p.Throttle("DescribeLogStreams", 1)
	p.Throttle("GetLogEvents", 2)
	c := &source.CloudWatchLogs{Client: e.Logs, Group: group, Now: func() time.Time { return t0.Add(24 * time.Hour) }}
	objs := list(t, c)
	if len(objs) != 2 {
		t.Fatalf("objects %v", paths(objs))
	}
	got := readIDs(t, objs)
	if diff := cmp.Diff(append(ids("big", 0, n), "x-0"), got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if d, g := p.Calls("DescribeLogStreams"), p.Calls("GetLogEvents"); d < 3 || g < 5 {
		t.Errorf("%d DescribeLogStreams and %d GetLogEvents calls: want pages and retries", d, g)
	}
}

func TestCloudWatchLogsErrors(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	group := resourceName(t)
	err := (&source.CloudWatchLogs{Client: e.Logs, Group: group}).List(t.Context(), func(source.Object) error { return nil })
	if !errors.Is(err, vigil.ErrNotFound) || !strings.Contains(err.Error(), group) {
		t.Errorf("missing group: %v", err)
	}
}

func TestParseCWLogs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, group string
		ok        bool
	}{
		{"cwlogs://aws-cloudtrail-logs-123", "aws-cloudtrail-logs-123", true},
		{"cwlogs:///aws/vpc/flow#1", "/aws/vpc/flow#1", true},
		{"cwlogs://", "", false},
		{"cwlogs://a b", "", false},
		{"s3://x", "", false},
	} {
		g, err := source.ParseCWLogsURL(tc.in)
		if (err == nil) != tc.ok || g != tc.group {
			t.Errorf("ParseCWLogsURL(%q) = %q, %v", tc.in, g, err)
		}
	}
	name := source.CWLogsName("/aws/x", "a/b@c", 5, 10)
	if s, from, to, ok := source.ParseCWLogsName("/aws/x", name); !ok || s != "a/b@c" || from != 5 || to != 10 {
		t.Errorf("ParseCWLogsName(%q) = %q, %d, %d, %v", name, s, from, to, ok)
	}
	for _, bad := range []string{"cwlogs://other/a@1-2", "cwlogs:///aws/x/a", "cwlogs:///aws/x/@1-2", "cwlogs:///aws/x/a@1"} {
		if _, _, _, ok := source.ParseCWLogsName("/aws/x", bad); ok {
			t.Errorf("ParseCWLogsName(%q) ok", bad)
		}
	}
}
