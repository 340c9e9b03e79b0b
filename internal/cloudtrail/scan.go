package cloudtrail

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner walks one JSON value held in memory. It is a strict RFC 8259
// validator that also hands out substrings of s without copying: every
// unescaped string value and every raw nested value is a slice of the one
// string made from the record's bytes, so decoding a record costs one
// allocation plus one per escaped string.
type scanner struct {
	s string
}

var errDepth = errors.New("nesting too deep")

const maxDepth = 512

type syntaxError struct {
	off int
	msg string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("invalid JSON at byte %d: %s", e.off, e.msg) }

func (sc *scanner) errAt(i int, msg string) error {
	if i >= len(sc.s) {
		return &syntaxError{off: i, msg: "unexpected end of input"}
	}
	return &syntaxError{off: i, msg: msg}
}

func (sc *scanner) ws(i int) int {
	for i < len(sc.s) {
		switch sc.s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skip validates the value starting at i (after whitespace) and returns the
// index just past it.
func (sc *scanner) skip(i, depth int) (int, error) {
	i = sc.ws(i)
	if i >= len(sc.s) {
		return i, sc.errAt(i, "")
	}
	switch c := sc.s[i]; {
	case c == '{':
		if depth >= maxDepth {
			return i, errDepth
		}
		i = sc.ws(i + 1)
		if i < len(sc.s) && sc.s[i] == '}' {
			return i + 1, nil
		}
		for {
			i = sc.ws(i)
			if i >= len(sc.s) || sc.s[i] != '"' {
				return i, sc.errAt(i, "expected object key")
			}
			var err error
			if i, _, err = sc.stringEnd(i); err != nil {
				return i, err
			}
			i = sc.ws(i)
			if i >= len(sc.s) || sc.s[i] != ':' {
				return i, sc.errAt(i, "expected ':'")
			}
			if i, err = sc.skip(i+1, depth+1); err != nil {
				return i, err
			}
			i = sc.ws(i)
			if i >= len(sc.s) {
				return i, sc.errAt(i, "")
			}
			switch sc.s[i] {
			case ',':
				i++
			case '}':
				return i + 1, nil
			default:
				return i, sc.errAt(i, "expected ',' or '}'")
			}
		}
	case c == '[':
		if depth >= maxDepth {
			return i, errDepth
		}
		i = sc.ws(i + 1)
		if i < len(sc.s) && sc.s[i] == ']' {
			return i + 1, nil
		}
		for {
			var err error
			if i, err = sc.skip(i, depth+1); err != nil {
				return i, err
			}
			i = sc.ws(i)
			if i >= len(sc.s) {
				return i, sc.errAt(i, "")
			}
			switch sc.s[i] {
			case ',':
				i++
			case ']':
				return i + 1, nil
			default:
				return i, sc.errAt(i, "expected ',' or ']'")
			}
		}
	case c == '"':
		end, _, err := sc.stringEnd(i)
		return end, err
	case c == 't':
		return sc.literal(i, "true")
	case c == 'f':
		return sc.literal(i, "false")
	case c == 'n':
		return sc.literal(i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return sc.number(i)
	default:
		return i, sc.errAt(i, fmt.Sprintf("unexpected character %q", c))
	}
}

func (sc *scanner) literal(i int, lit string) (int, error) {
	if len(sc.s)-i >= len(lit) && sc.s[i:i+len(lit)] == lit {
		return i + len(lit), nil
	}
	return i, sc.errAt(i, "invalid literal")
}

func (sc *scanner) number(i int) (int, error) {
	start := i
	if sc.s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(sc.s) && sc.s[i] >= '0' && sc.s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(sc.s) && sc.s[i] == '0' {
		i++
	} else if digits() == 0 {
		return start, sc.errAt(i, "invalid number")
	}
	if i < len(sc.s) && sc.s[i] == '.' {
		i++
		if digits() == 0 {
			return start, sc.errAt(i, "invalid number")
		}
	}
	if i < len(sc.s) && (sc.s[i] == 'e' || sc.s[i] == 'E') {
		i++
		if i < len(sc.s) && (sc.s[i] == '+' || sc.s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return start, sc.errAt(i, "invalid number")
		}
	}
	return i, nil
}

// stringEnd validates the string starting at the quote at i and returns the
// index past the closing quote and whether it contains escapes.
func (sc *scanner) stringEnd(i int) (end int, escaped bool, err error) {
	i++
	s := sc.s
	for i < len(s) {
		// Skip 8 plain bytes at a time: none is '"', '\\' or a control
		// character (SWAR: the classic has-zero-byte bit trick).
		for i+8 <= len(s) {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			const lo, hi = 0x0101010101010101, 0x8080808080808080
			q, b := x^(lo*'"'), x^(lo*'\\')
			if ((q-lo)&^q|(b-lo)&^b|(x-lo*0x20)&^x)&hi != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := sc.s[i]
		switch {
		case c == '"':
			return i + 1, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(sc.s) {
				return i, escaped, sc.errAt(i+1, "")
			}
			switch sc.s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(sc.s) || !isHex4(sc.s[i+2:i+6]) {
					return i, escaped, sc.errAt(i, "invalid \\u escape")
				}
				i += 6
			default:
				return i, escaped, sc.errAt(i, "invalid escape")
			}
		case c < 0x20:
			return i, escaped, sc.errAt(i, "control character in string")
		default:
			i++
		}
	}
	return i, escaped, sc.errAt(i, "")
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// str decodes the string whose opening quote is at i.
func (sc *scanner) str(i int) (string, int, error) {
	end, escaped, err := sc.stringEnd(i)
	if err != nil {
		return "", end, err
	}
	if !escaped {
		return sc.s[i+1 : end-1], end, nil
	}
	return unescape(sc.s[i+1 : end-1]), end, nil
}

// unescape decodes a validated JSON string body.
func unescape(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		switch s[i+1] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := rune(hex4(s[i+2 : i+6]))
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if r2 := utf16.DecodeRune(r, rune(hex4(s[i+2:i+6]))); r2 != utf8.RuneError {
						b = utf8.AppendRune(b, r2)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
			continue
		default: // '"', '\\', '/'
			b = append(b, s[i+1])
		}
		i += 2
	}
	return string(b)
}

func hex4(s string) int {
	n := 0
	for i := 0; i < 4; i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		default:
			c = c - 'A' + 10
		}
		n = n<<4 | int(c)
	}
	return n
}

// object calls fn for each member of the object starting at i (after
// whitespace); fn receives the decoded key and the index of the value's
// first byte and returns the index past the value. It returns the index past
// the closing brace.
func (sc *scanner) object(i int, fn func(key string, v int) (int, error)) (int, error) {
	i = sc.ws(i)
	if i >= len(sc.s) || sc.s[i] != '{' {
		return i, sc.errAt(i, "expected object")
	}
	i = sc.ws(i + 1)
	if i < len(sc.s) && sc.s[i] == '}' {
		return i + 1, nil
	}
	for {
		i = sc.ws(i)
		if i >= len(sc.s) || sc.s[i] != '"' {
			return i, sc.errAt(i, "expected object key")
		}
		key, j, err := sc.str(i)
		if err != nil {
			return j, err
		}
		j = sc.ws(j)
		if j >= len(sc.s) || sc.s[j] != ':' {
			return j, sc.errAt(j, "expected ':'")
		}
		if i, err = fn(key, sc.ws(j+1)); err != nil {
			return i, err
		}
		i = sc.ws(i)
		if i >= len(sc.s) {
			return i, sc.errAt(i, "")
		}
		switch sc.s[i] {
		case ',':
			i++
		case '}':
			return i + 1, nil
		default:
			return i, sc.errAt(i, "expected ',' or '}'")
		}
	}
}

// scalar reads the value at i as text: strings decoded, true/false/numbers
// as written, null as "". Objects and arrays are returned as raw JSON.
func (sc *scanner) scalar(i int) (string, int, error) {
	if i < len(sc.s) {
		switch sc.s[i] {
		case '"':
			return sc.str(i)
		case 'n':
			end, err := sc.literal(i, "null")
			return "", end, err
		}
	}
	end, err := sc.skip(i, 1)
	if err != nil {
		return "", end, err
	}
	return sc.s[i:end], end, nil
}

// raw returns the value at i as JSON text; null gives "".
func (sc *scanner) raw(i int) (string, int, error) {
	end, err := sc.skip(i, 1)
	if err != nil {
		return "", end, err
	}
	if v := sc.s[i:end]; v != "null" {
		return v, end, nil
	}
	return "", end, nil
}
