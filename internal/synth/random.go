package synth

import (
	"math/rand/v2"
	"strconv"
)

// Seeds are derived with splitmix64 so that neighbouring coordinates give
// unrelated streams.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// newRand returns a PCG stream for seed and a list of coordinates.
func newRand(seed int64, coords ...uint64) *rand.Rand {
	h := mix(uint64(seed))
	for _, c := range coords {
		h = mix(h ^ c)
	}
	return rand.New(rand.NewPCG(h, mix(h^0x5eed)))
}

// strHash folds a string into a coordinate for newRand.
func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Stream names, so that streams for different purposes never coincide.
const (
	streamAccounts uint64 = iota + 1
	streamProfile
	streamPlan
	streamUnit
	streamOrg
	streamDigest
)

const (
	alnumUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	alnumMixed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64chars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// appendRandChars appends n characters drawn from set (len(set) <= 64).
func appendRandChars(b []byte, r *rand.Rand, set string, n int) []byte {
	m := uint64(len(set))
	for n > 0 {
		x := r.Uint64()
		// 10 draws of 6 bits each per word, scaled to the set by a
		// multiply and shift (a slight bias is irrelevant here).
		for k := 0; k < 10 && n > 0; k++ {
			b = append(b, set[(x&63)*m>>6])
			x >>= 6
			n--
		}
	}
	return b
}

func randChars(r *rand.Rand, set string, n int) string {
	return string(appendRandChars(make([]byte, 0, n), r, set, n))
}

// appendHex appends n random lower-case hex digits.
func appendHex(b []byte, r *rand.Rand, n int) []byte {
	for n > 0 {
		x := r.Uint64()
		for k := 0; k < 16 && n > 0; k++ {
			b = append(b, hexDigits[x&15])
			x >>= 4
			n--
		}
	}
	return b
}

func randHex(r *rand.Rand, n int) string {
	return string(appendHex(make([]byte, 0, n), r, n))
}

// appendUUID appends a random version-4 UUID.
func appendUUID(b []byte, r *rand.Rand) []byte {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^(0xf<<12) | 4<<12
	lo = lo&^(0xc<<60) | 0x8<<60
	var u [16]byte
	for i := 0; i < 8; i++ {
		u[i] = byte(hi >> (56 - 8*i))
		u[8+i] = byte(lo >> (56 - 8*i))
	}
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}

func randUUID(r *rand.Rand) string {
	return string(appendUUID(make([]byte, 0, 36), r))
}

// randID returns an IAM-style unique id: prefix + 16 upper-case alnum.
func randID(r *rand.Rand, prefix string) string {
	return string(appendRandChars([]byte(prefix), r, alnumUpper, 16))
}

// pick returns a random element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// Public IPv4 first octets that look like the places callers come from.
var (
	awsOctets      = []int{3, 13, 18, 34, 35, 44, 52, 54, 99}
	officeOctets   = []int{62, 81, 84, 91, 145, 178, 193, 195, 203, 212, 217}
	attackerOctets = []int{5, 23, 45, 91, 103, 141, 185, 193, 194}
)

func randIPv4(r *rand.Rand, first []int) string {
	b := strconv.AppendInt(nil, int64(pick(r, first)), 10)
	for i := 0; i < 3; i++ {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(1+r.IntN(254)), 10)
	}
	return string(b)
}

func randPrivateIPv4(r *rand.Rand) string {
	b := append([]byte(nil), "10."...)
	b = strconv.AppendInt(b, int64(r.IntN(256)), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(r.IntN(256)), 10)
	b = append(b, '.')
	b = strconv.AppendInt(b, int64(1+r.IntN(254)), 10)
	return string(b)
}

// randIPv6 returns an address from a handful of real-looking ISP prefixes.
func randIPv6(r *rand.Rand) string {
	prefixes := []string{"2a02:810d:", "2001:1c00:", "2600:1700:", "2a01:e0a:", "2003:e5:"}
	b := append([]byte(nil), pick(r, prefixes)...)
	for i := 0; i < 6; i++ {
		if i > 0 {
			b = append(b, ':')
		}
		b = strconv.AppendUint(b, uint64(r.IntN(0x10000)), 16)
	}
	return string(b)
}
