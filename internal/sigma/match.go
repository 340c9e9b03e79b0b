package sigma

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// selection is one search identifier: it matches if any alternative does,
// and an alternative if all its field conditions do.
type selection struct {
	alts [][]fieldCond
}

// fieldCond is one "field|modifiers: values" entry.
type fieldCond struct {
	f      field
	all    bool           // the all modifier: every value must match
	null   bool           // a value is null (or ''): matches an absent field
	exists *bool          // the exists modifier
	vals   []valueMatcher // any (or, with all, every) must match
	// literals are the values when all are plain strings without
	// wildcards or modifiers (the eventName pre-filter uses them).
	literals []string
}

// valueMatcher tests one non-empty field value.
type valueMatcher func(s string) bool

func (s *selection) match(e *vigil.Event, st *state) bool {
	for _, alt := range s.alts {
		ok := true
		for i := range alt {
			if !alt[i].match(e, st) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (fc *fieldCond) match(e *vigil.Event, st *state) bool {
	var one [1]string
	var vals []string
	if fc.f.str != nil {
		if v := fc.f.str(e); v != "" {
			one[0] = v
			vals = one[:]
		}
	} else {
		vals = fc.f.multi(e, st)
	}
	if fc.exists != nil {
		return (len(vals) > 0) == *fc.exists
	}
	if len(vals) == 0 {
		return fc.null
	}
	if fc.all {
		for _, m := range fc.vals {
			if !anyValue(m, vals) {
				return false
			}
		}
		return len(fc.vals) > 0
	}
	for _, m := range fc.vals {
		if anyValue(m, vals) {
			return true
		}
	}
	return false
}

func anyValue(m valueMatcher, vals []string) bool {
	for _, v := range vals {
		if m(v) {
			return true
		}
	}
	return false
}

// modifiers are the parsed modifiers of one field entry.
type modifiers struct {
	op            string // "", contains, startswith, endswith, re, cidr, gt, gte, lt, lte
	all, cased    bool
	exists        bool
	reI, reM, reS bool
}

func parseModifiers(mods []string) (modifiers, error) {
	var m modifiers
	setOp := func(op string) error {
		if m.op != "" {
			return unsupported(fmt.Sprintf("modifier combination %s|%s", m.op, op))
		}
		m.op = op
		return nil
	}
	for _, mod := range mods {
		var err error
		switch strings.ToLower(mod) {
		case "contains", "startswith", "endswith", "re", "cidr", "gt", "gte", "lt", "lte":
			err = setOp(strings.ToLower(mod))
		case "all":
			m.all = true
		case "cased":
			m.cased = true
		case "exists":
			m.exists = true
		case "i":
			m.reI = true
		case "m":
			m.reM = true
		case "s":
			m.reS = true
		default:
			err = unsupported("modifier " + mod)
		}
		if err != nil {
			return m, err
		}
	}
	if (m.reI || m.reM || m.reS) && m.op != "re" {
		return m, unsupported("regular-expression flag modifier without re")
	}
	return m, nil
}

// newValueMatcher compiles one rule value under the modifiers m.
func newValueMatcher(v string, m modifiers) (valueMatcher, error) {
	switch m.op {
	case "re":
		flags := ""
		if m.reI {
			flags += "i"
		}
		if m.reM {
			flags += "m"
		}
		if m.reS {
			flags += "s"
		}
		expr := v
		if flags != "" {
			expr = "(?" + flags + ")" + v
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, &unsupportedError{feature: fmt.Sprintf("regular expression %q (Go RE2 syntax only)", v), err: err}
		}
		return re.MatchString, nil
	case "cidr":
		p, err := netip.ParsePrefix(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("cidr value %q: %w", v, err)
		}
		p = p.Masked()
		return func(s string) bool {
			a, err := netip.ParseAddr(s)
			return err == nil && p.Contains(a.Unmap())
		}, nil
	case "gt", "gte", "lt", "lte":
		want, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("%s value %q is not a number: %w", m.op, v, err)
		}
		op := m.op
		return func(s string) bool {
			got, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return false
			}
			switch op {
			case "gt":
				return got > want
			case "gte":
				return got >= want
			case "lt":
				return got < want
			}
			return got <= want
		}, nil
	}
	// Plain values and contains/startswith/endswith: Sigma's wildcards
	// (* any run, ? one character, \ escapes them and itself).
	lit, wild := unescape(v)
	if !wild {
		return literalMatcher(lit, m.op, m.cased), nil
	}
	var b strings.Builder
	if !m.cased {
		b.WriteString("(?i)")
	}
	b.WriteString("(?s)")
	if m.op == "" || m.op == "startswith" {
		b.WriteString("^")
	}
	b.WriteString(wildcardRegexp(v))
	if m.op == "" || m.op == "endswith" {
		b.WriteString("$")
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("BUG: wildcard value %q: %w", v, err)
	}
	return re.MatchString, nil
}

// unescape returns v with Sigma escapes resolved, and whether it holds an
// unescaped wildcard.
func unescape(v string) (string, bool) {
	var b strings.Builder
	wild := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v) && (v[i+1] == '*' || v[i+1] == '?' || v[i+1] == '\\'):
			b.WriteByte(v[i+1])
			i++
		case c == '*' || c == '?':
			wild = true
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), wild
}

// wildcardRegexp translates a Sigma value with wildcards into a regular
// expression body.
func wildcardRegexp(v string) string {
	var b, lit strings.Builder
	flush := func() {
		b.WriteString(regexp.QuoteMeta(lit.String()))
		lit.Reset()
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v) && (v[i+1] == '*' || v[i+1] == '?' || v[i+1] == '\\'):
			lit.WriteByte(v[i+1])
			i++
		case c == '*':
			flush()
			b.WriteString(".*")
		case c == '?':
			flush()
			b.WriteString(".")
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return b.String()
}

func literalMatcher(lit, op string, cased bool) valueMatcher {
	if !cased && !isASCII(lit) {
		// Case folding can change byte lengths; let regexp handle it.
		var b strings.Builder
		b.WriteString("(?i)")
		if op == "" || op == "startswith" {
			b.WriteString("^")
		}
		b.WriteString(regexp.QuoteMeta(lit))
		if op == "" || op == "endswith" {
			b.WriteString("$")
		}
		return regexp.MustCompile(b.String()).MatchString
	}
	eq := strings.EqualFold
	if cased {
		eq = func(a, b string) bool { return a == b }
	}
	n := len(lit)
	switch op {
	case "contains":
		if cased {
			return func(s string) bool { return strings.Contains(s, lit) }
		}
		return func(s string) bool { return containsFold(s, lit) }
	case "startswith":
		return func(s string) bool { return len(s) >= n && eq(s[:n], lit) }
	case "endswith":
		return func(s string) bool { return len(s) >= n && eq(s[len(s)-n:], lit) }
	}
	return func(s string) bool { return eq(s, lit) }
}

// containsFold reports whether s contains the ASCII string sub, ignoring
// ASCII case.
func containsFold(s, sub string) bool {
	n := len(sub)
	if n == 0 {
		return true
	}
	for i := 0; i+n <= len(s); i++ {
		if lower(s[i]) == lower(sub[0]) && strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
