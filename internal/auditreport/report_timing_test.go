package auditreport

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkWrite100k writes every format for 100 000 results.
func BenchmarkWrite100k(b *testing.B) {
	r := bigRun(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Write(b.TempDir(), r, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Results)*b.N)/b.Elapsed().Seconds(), "results/s")
}

func BenchmarkRedact(b *testing.B) {
	reasons := []string{
		"Bucket logs-archive-2024 does not block public access.",
		"cannot read bucket policy: AccessDenied; request signed with " + fakeKeyID + " secret " + fakeSecret + ".",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range reasons {
			Redact(s)
		}
	}
}

// BenchmarkHTMLInChromium100k opens a report of 100 000 results in headless
// Chromium and filters it by status, once per iteration.
func BenchmarkHTMLInChromium100k(b *testing.B) {
	dir := b.TempDir()
	if _, err := Write(dir, bigRun(100_000), []string{"html"}); err != nil {
		b.Fatal(err)
	}
	br := newBrowser(b)
	file := filepath.Join(dir, "index.html")
	var open time.Duration
	var filter float64
	for b.Loop() {
		open += br.open(file)
		filter += timed(br, `var s = document.getElementById('f-status'); s.value = 'FAIL'; s.dispatchEvent(new Event('change'))`)
	}
	b.ReportMetric(float64(open.Milliseconds())/float64(b.N), "open-ms/op")
	b.ReportMetric(filter/float64(b.N), "filter-ms/op")
}
