package cloudtrail

import (
	"bytes"
	"io"
	"testing"

	"github.com/vigil-sec/vigil/internal/vigil"
)

const benchRecords = 5000

// benchRead reads data to its end and returns the number of events.
func benchRead(b *testing.B, data []byte) int {
	r := NewReader(bytes.NewReader(data))
	var e vigil.Event
	n := 0
	for {
		switch err := r.Next(&e); err {
		case nil:
			n++
		case io.EOF:
			return n
		default:
			b.Fatal(err)
		}
	}
}

func benchReader(b *testing.B, data []byte) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	events := 0
	for b.Loop() {
		if n := benchRead(b, data); n != benchRecords {
			b.Fatalf("%d events, want %d", n, benchRecords)
		}
		events += benchRecords
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkReaderRecords reads an S3-delivered {"Records":[...]} file of
// realistic data events, uncompressed, held in memory.
func BenchmarkReaderRecords(b *testing.B) {
	var buf bytes.Buffer
	if err := writeRecords(&buf, benchRecords); err != nil {
		b.Fatal(err)
	}
	benchReader(b, buf.Bytes())
}

// BenchmarkReaderJSONLines reads the same records as JSON lines.
func BenchmarkReaderJSONLines(b *testing.B) {
	var buf bytes.Buffer
	if err := writeRecords(&buf, benchRecords); err != nil {
		b.Fatal(err)
	}
	lines := buf.Bytes()[len(`{"Records":[`) : buf.Len()-len(`]}`)]
	lines = bytes.ReplaceAll(lines, []byte(`}},{"eventVersion"`), []byte("}}\n{\"eventVersion\""))
	benchReader(b, lines)
}

// BenchmarkParseEvent decodes one S3 GetObject data event.
func BenchmarkParseEvent(b *testing.B) {
	rec := splitRecords(b, mustRead(b, "records_s3.json"))[1]
	b.ReportAllocs()
	b.SetBytes(int64(len(rec)))
	var e vigil.Event
	for b.Loop() {
		if err := ParseEvent(rec, &e); err != nil {
			b.Fatal(err)
		}
	}
}
