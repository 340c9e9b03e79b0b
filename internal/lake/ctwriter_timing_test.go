package lake

import (
	"fmt"
	"testing"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// BenchmarkCloudTrailWriter measures Parquet encoding of realistic events
// (the ingest hot path after decoding).
func BenchmarkCloudTrailWriter(b *testing.B) {
	var proto vigil.Event
	if err := cloudtrail.ParseEvent([]byte(fullEvent), &proto); err != nil {
		b.Fatal(err)
	}
	events := make([]vigil.Event, 10000)
	for i := range events {
		events[i] = proto
		events[i].EventID = fmt.Sprintf("e-%d", i)
		events[i].RequestID = fmt.Sprintf("r-%d", i)
		events[i].EventName = []string{"GetObject", "PutObject", "ListBuckets", "DescribeInstances"}[i%4]
		events[i].SourceIPAddress = fmt.Sprintf("203.0.113.%d", i%50)
	}
	l, err := Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	p := vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2020-10-23"}
	b.ReportAllocs()
	b.SetBytes(int64(len(fullEvent)) * int64(len(events)))
	for b.Loop() {
		tx, err := l.Begin()
		if err != nil {
			b.Fatal(err)
		}
		w := NewCloudTrailWriter(tx, WriterOptions{})
		if err := w.Write(p, "AWSLogs/x.json.gz", events); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		tx.Abort()
	}
	b.ReportMetric(float64(len(events)*b.N)/b.Elapsed().Seconds(), "events/s")
}
