package detect

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"
)

// Evidence kept per finding: the keepEach earliest and keepEach latest
// records (by time, then ID) — all of them while there are at most
// maxKept.
const (
	keepEach = 50
	maxKept  = 2 * keepEach
	// exactMax is the number of distinct records counted exactly.
	exactMax = 1024
)

// counter counts the distinct records aggregated into a finding and keeps
// a bounded sample of them as evidence.
//
// The choice: up to exactMax (1,024) distinct records, hashes holds the
// sorted 64-bit hashes of every record's ID (8 KiB at most) and the count
// is exact. At the 1,025th, a HyperLogLog (hll.go: 4 KiB, standard error
// 1.6 %) is built from those hashes and continues the count; counts are
// then estimates, never below 1,025. kept holds the records themselves:
// all of them up to 100, then the 50 earliest and the 50 latest. Every
// part is a function of the set of records seen, not of their order or
// repetition: re-running a retro-hunt, or running it after inline
// detection, leaves counts and evidence unchanged, and out-of-order data
// gives the same result as in-order data. A capped set with an overflow
// counter was rejected: once the cap is reached it cannot tell a repeat
// from a new record, so re-runs would inflate counts.
type counter struct {
	kept   []Ref    // sorted by (Time, ID)
	hashes []uint64 // sorted; nil once hll is set
	hll    *hll
}

func cmpRef(a, b Ref) int {
	if c := strings.Compare(a.Time, b.Time); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// add counts r and reports whether anything changed (false for a record
// already counted).
func (c *counter) add(r Ref) bool {
	h := hash64(r.ID)
	isNew := false
	if c.hll == nil {
		i, found := slices.BinarySearch(c.hashes, h)
		if found {
			return false
		}
		c.hashes = slices.Insert(c.hashes, i, h)
		isNew = true
		if len(c.hashes) > exactMax {
			c.hll = newHLL()
			for _, x := range c.hashes {
				c.hll.add(x)
			}
			c.hashes = nil
		}
	} else {
		isNew = c.hll.add(h)
	}
	return c.keep(r) || isNew
}

// keep adds r to the evidence sample if it belongs there. Once there are
// more than maxKept records, kept[:keepEach] are the earliest seen and
// kept[keepEach:] the latest, so a record sorting inside either group is
// new to it, and one sorting between them is not kept.
func (c *counter) keep(r Ref) bool {
	i, found := slices.BinarySearchFunc(c.kept, r, cmpRef)
	if found {
		return false
	}
	c.kept = slices.Insert(c.kept, i, r)
	windowed := c.hll != nil || len(c.hashes) > maxKept
	if windowed && len(c.kept) > maxKept {
		c.kept = slices.Delete(c.kept, keepEach, keepEach+1)
		return i != keepEach
	}
	return true
}

// count returns the number of distinct records counted.
func (c *counter) count() int64 {
	if c.hll == nil {
		return int64(len(c.hashes))
	}
	return max(exactMax+1, c.hll.estimate())
}

func (c *counter) first() Ref { return c.kept[0] }
func (c *counter) last() Ref  { return c.kept[len(c.kept)-1] }

// ids returns the kept records' IDs, oldest first.
func (c *counter) ids() []string {
	out := make([]string, len(c.kept))
	for i, r := range c.kept {
		out[i] = r.ID
	}
	return out
}

// dates returns the first and last partition dates of the kept records.
func (c *counter) dates() (lo, hi string) {
	for _, r := range c.kept {
		if r.Date == "" {
			continue
		}
		if lo == "" || r.Date < lo {
			lo = r.Date
		}
		if r.Date > hi {
			hi = r.Date
		}
	}
	return lo, hi
}

// sketchVersion is the first byte of an encoded counter.
const sketchVersion = 1

// encode serialises the counter: version; mode (0: exact, 1:
// HyperLogLog); the kept records as length-prefixed (time, ID, date); then
// the count and the 8-byte hashes, or the registers.
func (c *counter) encode() []byte {
	b := []byte{sketchVersion, 0}
	if c.hll != nil {
		b[1] = 1
	}
	b = binary.AppendUvarint(b, uint64(len(c.kept)))
	for _, r := range c.kept {
		for _, s := range []string{r.Time, r.ID, r.Date} {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	if c.hll != nil {
		return append(b, c.hll.reg...)
	}
	b = binary.AppendUvarint(b, uint64(len(c.hashes)))
	for _, h := range c.hashes {
		b = binary.LittleEndian.AppendUint64(b, h)
	}
	return b
}

var errSketch = errors.New("damaged aggregation state")

func decodeCounter(b []byte) (*counter, error) {
	if len(b) < 2 || b[0] != sketchVersion || b[1] > 1 {
		return nil, errSketch
	}
	hasHLL := b[1] == 1
	b = b[2:]
	uvarint := func() (uint64, bool) {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return v, true
	}
	n, ok := uvarint()
	if !ok || n == 0 || n > maxKept {
		return nil, errSketch
	}
	c := &counter{kept: make([]Ref, 0, n)}
	str := func() (string, bool) {
		l, ok := uvarint()
		if !ok || uint64(len(b)) < l {
			return "", false
		}
		s := string(b[:l])
		b = b[l:]
		return s, true
	}
	for range n {
		var r Ref
		var ok1, ok2, ok3 bool
		r.Time, ok1 = str()
		r.ID, ok2 = str()
		r.Date, ok3 = str()
		if !ok1 || !ok2 || !ok3 {
			return nil, errSketch
		}
		c.kept = append(c.kept, r)
	}
	for i := 1; i < len(c.kept); i++ {
		if cmpRef(c.kept[i-1], c.kept[i]) >= 0 {
			return nil, errSketch
		}
	}
	if hasHLL {
		if len(b) != hllM || len(c.kept) != maxKept {
			return nil, errSketch
		}
		c.hll = &hll{reg: slices.Clone(b)}
		return c, nil
	}
	m, ok := uvarint()
	if !ok || m == 0 || m > exactMax || uint64(len(b)) != 8*m || len(c.kept) != int(min(m, maxKept)) {
		return nil, errSketch
	}
	c.hashes = make([]uint64, m)
	for i := range c.hashes {
		c.hashes[i] = binary.LittleEndian.Uint64(b[8*i:])
		if i > 0 && c.hashes[i] <= c.hashes[i-1] {
			return nil, errSketch
		}
	}
	return c, nil
}
