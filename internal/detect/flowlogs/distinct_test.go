package flowlogs

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDistinct(t *testing.T) {
	for _, n := range []int{1, 100, distinctCap, distinctCap + 1, 5000, 100_000} {
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		hashes := make([]uint64, n)
		for i := range hashes {
			hashes[i] = rng.Uint64()
		}
		var d distinct
		for _, h := range hashes {
			d.add(h, 10)
		}
		// Repetition and order change nothing.
		var twice distinct
		for _, i := range rng.Perm(n) {
			twice.add(hashes[i], 10)
			twice.add(hashes[(i*7)%n], 10)
		}
		if diff := cmp.Diff(d, twice); diff != "" {
			t.Errorf("%d records: shuffled and repeated (-once +twice):\n%s", n, diff)
		}
		if len(d.Recs) > distinctCap {
			t.Errorf("%d records: %d kept, cap %d", n, len(d.Recs), distinctCap)
		}
		got := d.count()
		if n <= distinctCap {
			if got != int64(n) || d.sum() != int64(10*n) {
				t.Errorf("%d records: count %d, sum %d: want exact", n, got, d.sum())
			}
			continue
		}
		// Adaptive sampling keeps between cap/2 and cap records: the
		// relative standard error is about 1/sqrt(kept) (< 9 %).
		if rel := math.Abs(float64(got)-float64(n)) / float64(n); rel > 0.3 {
			t.Errorf("%d records: estimated %d (%.0f %% off)", n, got, 100*rel)
		}
		if d.sum() != 10*got {
			t.Errorf("%d records: sum %d, want 10 × count %d", n, d.sum(), got)
		}
	}
}

func TestRecordHash(t *testing.T) {
	a := flow("203.0.113.9", "10.0.1.5", 50000, 22, 6, t0, 60, "REJECT")
	b := a
	if recordHash(&a) != recordHash(&b) {
		t.Error("equal records hash differently")
	}
	b.Int[5]++ // source port
	if recordHash(&a) == recordHash(&b) {
		t.Error("records with different ports hash alike")
	}
}
