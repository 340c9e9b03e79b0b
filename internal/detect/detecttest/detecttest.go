// Package detecttest helps test detections: it loads CloudTrail fixtures
// and runs detections over them the way the engine does.
package detecttest

import (
	"errors"
	"io"
	"os"
	"slices"
	"testing"

	ctparse "github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// LoadEvents reads a CloudTrail fixture in any format the cloudtrail
// reader understands (a JSON array of records, {"Records": [...]}, JSON
// lines).
func LoadEvents(t testing.TB, path string) []vigil.Event {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := ctparse.NewReader(f)
	var out []vigil.Event
	for {
		var e vigil.Event
		err := r.Next(&e)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, e)
	}
}

// Partition returns the lake partition of an event, as ingest would.
func Partition(t testing.TB, e *vigil.Event) vigil.Partition {
	t.Helper()
	p, ok := ctparse.EventPartition(e)
	if !ok {
		t.Fatalf("event %s has no partition", e.EventID)
	}
	return p
}

// Hits runs d over events as the engine would (AWS's own and trusted
// events skipped, Events filter applied) and returns its hits, with Event
// and Partition set.
func Hits(t testing.TB, d *detect.Detection, c *detect.Context, events []vigil.Event) []*detect.Hit {
	t.Helper()
	var out []*detect.Hit
	for i := range events {
		e := &events[i]
		if detect.AWSInternal(e) {
			continue
		}
		if a, ok := detect.SourceAddr(e); ok && c.IsTrusted(a) {
			continue
		}
		if len(d.Events) > 0 && !slices.Contains(d.Events, e.EventName) {
			continue
		}
		if h := d.Match(e, c); h != nil {
			h.Event, h.Partition = e, Partition(t, e)
			out = append(out, h)
		}
	}
	return out
}

// Findings runs reg's detections over events in an engine with context c
// and a fixed clock, and returns the findings.
func Findings(t testing.TB, reg *detect.Registry, c *detect.Context, events []vigil.Event) []vigil.Finding {
	t.Helper()
	en, err := detect.New(reg, c, detect.Options{Now: FixedClock})
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		en.Event(&events[i], Partition(t, &events[i]))
	}
	en.Flush()
	return en.Findings()
}
