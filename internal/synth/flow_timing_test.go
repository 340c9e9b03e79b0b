package synth

import (
	"testing"
	"time"
)

// BenchmarkGenerateFlows measures flow-log runs alone (no CloudTrail
// routine events): records built, text written, gzip and files written. It
// reports records/s and MB/s of uncompressed text (the SetBytes figure).
func BenchmarkGenerateFlows(b *testing.B) {
	for _, compress := range []bool{true, false} {
		name := "plain"
		if compress {
			name = "gzip"
		}
		b.Run(name, func(b *testing.B) {
			o := Options{
				Dir: b.TempDir(), Seed: 1, Accounts: 2, Regions: []string{"us-east-1", "eu-west-1"},
				Start: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), Days: 2,
				Compress: compress, FlowLogs: true, FlowRecordsPerDay: 50_000,
			}
			st, err := Generate(b.Context(), o) // warm up and size the run
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.FlowRawBytes)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Generate(b.Context(), o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.FlowRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
