package synth

import (
	"testing"
	"time"
)

// BenchmarkGenerate measures whole runs: records built, JSON written,
// gzip, SHA-256 for digests and files written. It reports events/s and
// MB/s of uncompressed JSON (the SetBytes figure).
func BenchmarkGenerate(b *testing.B) {
	for _, tc := range []struct {
		name     string
		compress bool
		digests  bool
	}{
		{"gzip+digests", true, true},
		{"gzip", true, false},
		{"plain", false, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			o := Options{
				Dir:           b.TempDir(),
				Seed:          1,
				Accounts:      2,
				Regions:       []string{"us-east-1", "eu-west-1"},
				Start:         time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
				Days:          2,
				EventsPerDay:  10000,
				EventsPerFile: 100,
				Compress:      tc.compress,
				Digests:       tc.digests,
			}
			st, err := Generate(b.Context(), o) // warm up and size the run
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.RawBytes)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Generate(b.Context(), o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkRecords measures building and encoding routine records alone,
// without compression or I/O.
func BenchmarkRecords(b *testing.B) {
	o := Options{Dir: b.TempDir(), Seed: 1, Accounts: 1, Regions: []string{"us-east-1"},
		Start: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), Days: 1}
	g, err := newOrg(o)
	if err != nil {
		b.Fatal(err)
	}
	gen := newGen(g)
	gen.setup(0, 0, 0)
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		gen.raw.b, gen.raw.c = gen.raw.b[:0], false
		for i := range 1000 {
			gen.sec = i * 86
			gen.background()
			gen.writeRecord(&gen.raw)
			gen.resBuf = gen.e.resources[:0]
		}
		n += int64(len(gen.raw.b))
	}
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "MB/s")
}
