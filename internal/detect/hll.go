package detect

import (
	"math"
	"math/bits"
)

// hllP is the HyperLogLog precision: 2^12 registers (4 KiB), a standard
// error of 1.04/sqrt(4096) ≈ 1.6 %, and exact-in-practice linear counting
// up to about 10,000 distinct records.
const (
	hllP = 12
	hllM = 1 << hllP
)

// hll is a HyperLogLog distinct counter (Flajolet et al., 2007) with 64-bit
// hashes, so no large-range correction is needed. Adding an element twice
// changes nothing, which is what makes re-runs idempotent.
type hll struct {
	reg []uint8
}

func newHLL() *hll { return &hll{reg: make([]uint8, hllM)} }

// add counts the element whose hash64 is x and reports whether a
// register changed.
func (h *hll) add(x uint64) bool {
	idx := x >> (64 - hllP)
	w := x<<hllP | 1<<(hllP-1) // guard bit bounds the rank
	rho := uint8(bits.LeadingZeros64(w) + 1)
	if rho > h.reg[idx] {
		h.reg[idx] = rho
		return true
	}
	return false
}

// estimate returns the estimated number of distinct elements added.
func (h *hll) estimate() int64 {
	sum, zeros := 0.0, 0
	for _, r := range h.reg {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	m := float64(hllM)
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros)) // linear counting
	}
	return int64(math.Round(e))
}

// hash64 is FNV-1a followed by the MurmurHash3 finaliser, which spreads
// FNV's weak high bits (HyperLogLog indexes registers by them).
func hash64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return Mix64(h)
}

// Mix64 is a 64-bit finalizer (MurmurHash3's fmix64): it spreads every
// input bit over the whole word, so that FNV hashes, whose high bits mix
// poorly, can be bucketed or sampled by their high bits. Stable across
// runs and versions: detection state keeps such hashes.
func Mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
