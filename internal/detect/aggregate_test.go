package detect

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCounterEncodeDecode(t *testing.T) {
	for _, n := range []int{1, 2, 100, 101, 102, 1024, 1025, 5000} {
		c := &counter{}
		for i := range n {
			c.add(Ref{ID: fmt.Sprint("id-", i), Time: fmt.Sprintf("2024-05-01T10:%02d:%02d.000Z", i/60%60, i%60), Date: "2024-05-01"})
		}
		d, err := decodeCounter(c.encode())
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if diff := cmp.Diff(c, d, cmp.AllowUnexported(counter{}, hll{})); diff != "" {
			t.Errorf("n=%d: round trip (-want +got):\n%s", n, diff)
		}
		if want := min(n, maxKept); len(d.kept) != want {
			t.Errorf("n=%d: kept %d", n, len(d.kept))
		}
	}
	one := &counter{}
	one.add(Ref{ID: "a", Time: "t"})
	good := one.encode()
	if _, err := decodeCounter(good); err != nil {
		t.Fatal(err)
	}
	// The same record kept twice.
	dup := []byte{1, 0, 2, 1, 't', 1, 'a', 0, 1, 't', 1, 'a', 0, 2}
	dup = binary.LittleEndian.AppendUint64(dup, 1)
	dup = binary.LittleEndian.AppendUint64(dup, 2)
	for _, b := range [][]byte{nil, {2, 0}, {1, 2}, good[:len(good)-1], append(good, 0), {1, 0, 0}, {1, 1, 1, 1, 't', 1, 'a', 0}, dup} {
		if _, err := decodeCounter(b); err == nil {
			t.Errorf("decoded %v", b)
		}
	}
}

func TestHLLAccuracy(t *testing.T) {
	for _, n := range []int{200, 1000, 10000, 100000} {
		h := newHLL()
		for i := range n {
			h.add(hash64(fmt.Sprintf("3f1c%08x-aaaa-bbbb-cccc-%012d", i, i)))
		}
		est := h.estimate()
		if err := math.Abs(float64(est)-float64(n)) / float64(n); err > 0.05 {
			t.Errorf("n=%d: estimate %d (error %.1f%%)", n, est, err*100)
		}
	}
}
