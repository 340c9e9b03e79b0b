package synth

import "strconv"

// jw appends compact JSON to a byte slice. It tracks only whether the next
// value needs a leading comma, which is all a writer that never goes back
// needs; callers are responsible for balancing Open/Close. It is much faster
// than encoding/json for the record shapes written here, and it allocates
// nothing once b has grown.
type jw struct {
	b []byte
	c bool // a value was written at this level: the next one needs a comma
}

func (w *jw) sep() {
	if w.c {
		w.b = append(w.b, ',')
	}
}

// Open starts an object in value position.
func (w *jw) Open() { w.sep(); w.b = append(w.b, '{'); w.c = false }

// Close ends an object.
func (w *jw) Close() { w.b = append(w.b, '}'); w.c = true }

// Arr starts an array in value position.
func (w *jw) Arr() { w.sep(); w.b = append(w.b, '['); w.c = false }

// EndArr ends an array.
func (w *jw) EndArr() { w.b = append(w.b, ']'); w.c = true }

// Key writes an object key; k must not need escaping.
func (w *jw) Key(k string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	w.c = false
}

// Str writes a string value.
func (w *jw) Str(s string) { w.sep(); w.b = appendStr(w.b, s); w.c = true }

// Int writes an integer value.
func (w *jw) Int(i int64) { w.sep(); w.b = strconv.AppendInt(w.b, i, 10); w.c = true }

// Bool writes a boolean value.
func (w *jw) Bool(v bool) { w.sep(); w.b = strconv.AppendBool(w.b, v); w.c = true }

// Null writes null.
func (w *jw) Null() { w.sep(); w.b = append(w.b, "null"...); w.c = true }

// Raw writes pre-encoded JSON, or null when raw is empty.
func (w *jw) Raw(raw []byte) {
	if len(raw) == 0 {
		w.Null()
		return
	}
	w.sep()
	w.b = append(w.b, raw...)
	w.c = true
}

// KS writes "k":"v".
func (w *jw) KS(k, v string) { w.Key(k); w.Str(v) }

// KI writes "k":i.
func (w *jw) KI(k string, i int64) { w.Key(k); w.Int(i) }

// KB writes "k":v for a boolean.
func (w *jw) KB(k string, v bool) { w.Key(k); w.Bool(v) }

// KO opens an object under key k.
func (w *jw) KO(k string) { w.Key(k); w.Open() }

// KA opens an array under key k.
func (w *jw) KA(k string) { w.Key(k); w.Arr() }

// appendStr appends s as a JSON string. Bytes >= 0x80 are copied as they
// are (the generator only produces valid UTF-8), which is what CloudTrail
// does too; control characters, quotes and backslashes are escaped.
func appendStr(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEsc(b, s)
	return append(b, '"')
}

// appendEsc appends the body of s as a JSON string, without quotes. It
// skips eight safe bytes at a time: nearly every value needs no escaping.
func appendEsc(b []byte, s string) []byte {
	start, i := 0, 0
	for i < len(s) {
		if i+8 <= len(s) && !needsEscape8(s[i:i+8]) {
			i += 8
			continue
		}
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	return append(b, s[start:]...)
}

// needsEscape8 reports whether any of the 8 bytes of s is a control
// character, '"' or '\\' (bytes >= 0x80 never are), with the classic
// has-zero-byte bit tricks.
func needsEscape8(s string) bool {
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	less := (x - lo*0x20) & ^x & hi
	q := x ^ (lo * '"')
	quote := (q - lo) & ^q & hi
	bs := x ^ (lo * '\\')
	slash := (bs - lo) & ^bs & hi
	return less|quote|slash != 0
}

const hexDigits = "0123456789abcdef"

// append2 appends v (0-99) as two digits.
func append2(b []byte, v int) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

// appendClock appends HH:MM:SS for a second of the day.
func appendClock(b []byte, sec int) []byte {
	b = append2(b, sec/3600)
	b = append(b, ':')
	b = append2(b, sec/60%60)
	b = append(b, ':')
	return append2(b, sec%60)
}
