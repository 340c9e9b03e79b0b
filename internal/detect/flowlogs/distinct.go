package flowlogs

import (
	"slices"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// distinct counts and sums the distinct flow-log records it is given,
// identified by their hash (recordHash): exactly up to distinctCap
// records, then estimated by adaptive sampling: only records whose hash
// lies below a threshold are kept, the threshold halving each time the
// kept set overflows, and the count and sum scale by the inverse of the
// sampled fraction. What it holds is a function of the set of records
// given, not of their order or repetition: the smallest level whose
// threshold keeps at most distinctCap of them, and those. Feeding the
// same records twice (a retro-hunt after inline detection, or a re-run)
// therefore changes nothing, which a plain counter would not allow.
type distinct struct {
	Level uint8      `json:"l,omitempty"`
	Recs  [][2]int64 `json:"r"` // (hash as int64, value), sorted by hash
}

const distinctCap = 256

func (d *distinct) threshold() uint64 { return ^uint64(0) >> d.Level }

// add counts the record of hash h with value v (bytes, or 1).
func (d *distinct) add(h uint64, v int64) {
	if h > d.threshold() {
		return
	}
	i, found := slices.BinarySearchFunc(d.Recs, h, func(e [2]int64, h uint64) int {
		switch eh := uint64(e[0]); {
		case eh < h:
			return -1
		case eh > h:
			return 1
		}
		return 0
	})
	if found {
		return
	}
	d.Recs = slices.Insert(d.Recs, i, [2]int64{int64(h), v})
	for len(d.Recs) > distinctCap {
		d.Level++
		thr := d.threshold()
		d.Recs = slices.DeleteFunc(d.Recs, func(e [2]int64) bool { return uint64(e[0]) > thr })
	}
}

// count is the number of distinct records (estimated past distinctCap).
func (d *distinct) count() int64 { return int64(len(d.Recs)) << d.Level }

// sum is the sum of their values (estimated past distinctCap).
func (d *distinct) sum() int64 {
	var s int64
	for _, e := range d.Recs {
		s += e[1]
	}
	return s << d.Level
}

// recordHash identifies a flow-log record by the fields of detect.FlowKey
// (interface, addresses, ports, protocol, start) plus its end: FNV-1a,
// then detect.Mix64 so that the high bits distinct samples on are well
// mixed. It is stable across runs: detection state keeps it.
func recordHash(r *vigil.FlowRecord) uint64 {
	h := uint64(14695981039346656037)
	for _, f := range recordHashFields {
		if r.Has(f) {
			if vigil.FlowNumeric(f) {
				v := uint64(r.Int[f])
				for range 8 {
					h ^= v & 0xff
					h *= 1099511628211
					v >>= 8
				}
			} else {
				s := r.Str[f]
				for i := 0; i < len(s); i++ {
					h ^= uint64(s[i])
					h *= 1099511628211
				}
			}
		}
		h ^= 0xff // field separator
		h *= 1099511628211
	}
	return detect.Mix64(h)
}

var recordHashFields = []vigil.FlowField{vigil.FlowInterfaceID, vigil.FlowSrcAddr, vigil.FlowSrcPort, vigil.FlowDstAddr,
	vigil.FlowDstPort, vigil.FlowProtocol, vigil.FlowStart, vigil.FlowEnd}
