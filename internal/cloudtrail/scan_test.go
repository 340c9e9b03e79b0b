package cloudtrail

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// validJSON reports whether the scanner accepts s as one JSON value, as
// json.Valid does: skip, then only whitespace up to the end. deep reports
// that the scanner refused a value nested deeper than it allows (json.Valid
// allows 10000 levels).
func validJSON(s string) (ok, deep bool) {
	sc := scanner{s: s}
	end, err := sc.skip(0, 0)
	if errors.Is(err, errDepth) {
		return false, true
	}
	return err == nil && sc.ws(end) == len(s), false
}

var scannerCases = []string{
	// valid
	`{}`, `[]`, `""`, `0`, `-0`, `1`, `-1`, `1.5`, `-1.5e10`, `1E+2`, `1e-2`, `0.0`, `123456789012345678901234567890`,
	`true`, `false`, `null`, ` {"a" : [1, 2, {"b": null}] } `, "\t\r\n[\n]\n", `{"a":{"b":{"c":[[[]]]}}}`,
	`"\"\\\/\b\f\n\r\t"`, `"\u0000\uFFFF\ud83d\ude00\ud800"`, `"é🔑"`, "\"\x7f\"", `{"":""}`, `{"a":1,"a":2}`,
	"\"\xff\"", // json.Valid does not check UTF-8; neither does the scanner
	`[1,"a",true,false,null,{},[]]`,
	// invalid
	``, ` `, `{`, `}`, `[`, `]`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`, `[1 2]`, `{"a":1 "b":2}`, `{1:2}`,
	`{'a':1}`, `'a'`, `"abc`, `"\"`, `"\x"`, `"\u12"`, `"\u12G4"`, "\"a\nb\"", "\"\x00\"", "\"\x1f\"",
	`01`, `-01`, `1.`, `.5`, `-`, `+1`, `1e`, `1e+`, `0x10`, `1.5.5`, `NaN`, `Infinity`, `-Infinity`,
	`tru`, `nul`, `True`, `nulll`, `truex`, `{} {}`, `[] x`, `1 2`, `{"a":1}}`, `[[]`, `[]]`,
	"\xef\xbb\xbf{}", // a BOM is not JSON
	`{"a":[1,{"b":}]}`, `{"a" 1}`, `{"a"::1}`,
}

func TestScannerSkipMatchesStdlib(t *testing.T) {
	for _, s := range scannerCases {
		got, deep := validJSON(s)
		if deep {
			t.Errorf("validJSON(%q): unexpected depth error", s)
		}
		if want := json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%q) = %t, json.Valid = %t", s, got, want)
		}
	}
}

func TestScannerDepth(t *testing.T) {
	for _, tc := range []struct {
		depth int
		deep  bool
	}{{maxDepth, false}, {maxDepth + 1, true}, {5000, true}} {
		for _, nest := range [][2]string{{"[", "]"}, {`{"a":`, "}"}} {
			s := strings.Repeat(nest[0], tc.depth) + "1" + strings.Repeat(nest[1], tc.depth)
			ok, deep := validJSON(s)
			if deep != tc.deep || ok == tc.deep {
				t.Errorf("depth %d %q: ok %t, deep %t", tc.depth, nest[0], ok, deep)
			}
		}
	}
}

// TestUnescapeMatchesStdlib decodes strings as encoding/json does,
// surrogates included.
func TestUnescapeMatchesStdlib(t *testing.T) {
	for _, s := range []string{
		`""`, `"plain"`, `"\"\\\/\b\f\n\r\t"`, `"\u0041\u00e9\u20ac"`, `"\ud83d\ude00"`, `"\uD83D\uDE00"`,
		`"\ud800"`, `"\udc00"`, `"\ud800x"`, `"\ud800\u0041"`, `"\udc00\ud800"`, `"\ud800\ud800\udc00"`,
		`"\ud83d\\ude00"`, `"\ud83d\n"`, `"a\u0000b"`, `"\uffff\ufffe"`, `"김\u2028\u2029🔑"`,
		`"\ud83d\ude00\ud83d"`, `"x\ud83d"`, `"\/\/"`,
	} {
		var want string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatalf("json.Unmarshal(%s): %v", s, err)
		}
		sc := scanner{s: s}
		got, end, err := sc.str(0)
		if err != nil || end != len(s) {
			t.Errorf("str(%s) = %q, %d, %v", s, got, end, err)
			continue
		}
		if got != want {
			t.Errorf("str(%s) = %+q, want %+q", s, got, want)
		}
	}
}

func TestScannerScalarAndRaw(t *testing.T) {
	for _, tc := range []struct {
		in, scalar, raw string
	}{
		{`"a\tb"`, "a\tb", `"a\tb"`},
		{`null`, "", ""},
		{`true`, "true", "true"},
		{`-1.5e3`, "-1.5e3", "-1.5e3"},
		{`{"a": [1, 2]}`, `{"a": [1, 2]}`, `{"a": [1, 2]}`},
		{`[]`, `[]`, `[]`},
	} {
		sc := scanner{s: tc.in + ","}
		s, end, err := sc.scalar(0)
		if err != nil || s != tc.scalar || end != len(tc.in) {
			t.Errorf("scalar(%q) = %q, %d, %v; want %q", tc.in, s, end, err, tc.scalar)
		}
		r, end, err := sc.raw(0)
		if err != nil || r != tc.raw || end != len(tc.in) {
			t.Errorf("raw(%q) = %q, %d, %v; want %q", tc.in, r, end, err, tc.raw)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "a", `"q"`, `back\slash`, "\x00\x01\n\t\x1f\x7f", "김🔑", "\u2028"} {
		b := appendJSONString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil || got != s {
			t.Errorf("appendJSONString(%q) = %s: decodes to %q, %v", s, b, got, err)
		}
	}
}

// FuzzScannerMatchesStdlib checks that the scanner accepts exactly the
// single JSON values json.Valid accepts, and decodes strings as
// encoding/json does.
func FuzzScannerMatchesStdlib(f *testing.F) {
	for _, s := range scannerCases {
		f.Add([]byte(s))
	}
	for _, rec := range splitRecords(f, mustRead(f, "records_s3.json")) {
		f.Add([]byte(rec))
	}
	for _, l := range fixtureLines(f, "unicode.jsonl") {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := string(data)
		got, deep := validJSON(s)
		if deep {
			return // nested deeper than the scanner allows; json.Valid allows more
		}
		if want := json.Valid(data); got != want {
			t.Fatalf("scanner accepts %q: %t, json.Valid: %t", data, got, want)
		}
		if !got || !utf8.Valid(data) {
			// encoding/json replaces invalid bytes one by one; ParseEvent
			// makes its input valid UTF-8 before scanning.
			return
		}
		sc := scanner{s: s}
		i := sc.ws(0)
		if s[i] != '"' {
			return
		}
		str, _, err := sc.str(i)
		if err != nil {
			t.Fatalf("str(%q): %v", s, err)
		}
		var want string
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if str != want {
			t.Fatalf("str(%q) = %+q, encoding/json: %+q", s, str, want)
		}
	})
}
