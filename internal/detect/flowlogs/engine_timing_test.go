package flowlogs

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// BenchmarkEngineFlow feeds a day of mixed traffic (50 instances, client
// and server sides, internet noise) through the engine with every flow-log
// detection, and reports records/s.
func BenchmarkEngineFlow(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	recs := make([]vigil.FlowRecord, 100_000)
	for i := range recs {
		inst := fmt.Sprintf("10.0.%d.%d", r.IntN(2), 10+r.IntN(50))
		remote := fmt.Sprintf("%d.%d.%d.%d", 20+r.IntN(150), r.IntN(256), r.IntN(256), 1+r.IntN(254))
		start := int64(t0 + i*86400/len(recs))
		switch r.IntN(4) {
		case 0: // outbound HTTPS
			recs[i] = flow(inst, remote, int64(32768+r.IntN(28000)), 443, 6, start, int64(500+r.IntN(5000)), "ACCEPT")
		case 1: // its answer
			recs[i] = flow(remote, inst, 443, int64(32768+r.IntN(28000)), 6, start, int64(500+r.IntN(50000)), "ACCEPT")
		case 2: // noise
			recs[i] = flow(remote, inst, int64(32768+r.IntN(28000)), int64(1+r.IntN(10000)), 6, start, 44, "REJECT")
		default: // internal
			recs[i] = flow(inst, "10.0.5.5", int64(32768+r.IntN(28000)), 5432, 6, start, 900, "ACCEPT")
		}
		recs[i].SetStr(vigil.FlowInterfaceID, "eni-"+inst)
	}
	reg, err := detect.NewRegistry(All()...)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		en, err := detect.New(reg, nil, detect.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for i := range recs {
			en.Flow(&recs[i], part)
		}
		en.Flush()
		n += len(recs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
