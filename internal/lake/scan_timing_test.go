package lake

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/synth"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// benchLake builds a lake of synthetic CloudTrail (the synth generator's
// routine activity and incidents), written and compacted as ingest does.
func benchLake(b *testing.B, eventsPerDay int) (string, int) {
	b.Helper()
	src := b.TempDir()
	o := synth.Options{Dir: src, Seed: 11, Accounts: 2, Regions: []string{"us-east-1", "eu-west-1"},
		Start: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), Days: 3, EventsPerDay: eventsPerDay, EventsPerFile: 2000}
	if _, err := synth.Generate(b.Context(), o); err != nil {
		b.Fatal(err)
	}
	byPart := map[vigil.Partition][]vigil.Event{}
	n := 0
	filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r := cloudtrail.NewReader(f)
		for {
			var e vigil.Event
			err := r.Next(&e)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			p, _ := cloudtrail.EventPartition(&e)
			byPart[p] = append(byPart[p], e)
			n++
		}
	})
	dir := b.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	tx, err := l.Begin()
	if err != nil {
		b.Fatal(err)
	}
	w := NewCloudTrailWriter(tx, WriterOptions{})
	for p, events := range byPart {
		if err := w.Write(p, "synth", events); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return dir, n
}

// BenchmarkScanCloudTrail measures ScanCloudTrail over a lake: Parquet
// decoding into vigil.Event, parallel over row groups, with a callback
// that only counts. It reports events/s.
func BenchmarkScanCloudTrail(b *testing.B) {
	dir, n := benchLake(b, 40000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got := 0
		err := ScanCloudTrail(b.Context(), dir, "", "", func(e *vigil.Event, p vigil.Partition) error {
			got++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("scanned %d of %d events", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
