package checks

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// CloudWatch Logs filter patterns. The CIS monitoring controls (5.1–5.15)
// ask for a metric filter whose pattern matches given CloudTrail events.
// Rather than compare the pattern's text with CIS's (which breaks on
// whitespace, quoting, term order and equivalent rewrites), Vigil parses
// the JSON filter pattern and runs it over sample events: the events the
// control must catch and some it must not.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html

// cwExpr is a parsed JSON filter pattern expression.
type cwExpr interface {
	match(ev map[string]any) bool
}

type cwOr struct{ l, r cwExpr }
type cwAnd struct{ l, r cwExpr }

// cwTerm is one comparison: $.path op value, or a test such as
// "NOT EXISTS", "IS NULL", "IS TRUE".
type cwTerm struct {
	path  []string
	op    string // = != < > <= >= exists notexists null true false
	value string
	re    *regexp.Regexp // string comparisons: the value as a glob or %regex%
}

func (e cwOr) match(ev map[string]any) bool  { return e.l.match(ev) || e.r.match(ev) }
func (e cwAnd) match(ev map[string]any) bool { return e.l.match(ev) && e.r.match(ev) }

func (t cwTerm) match(ev map[string]any) bool {
	var v any = ev
	found := true
	for _, p := range t.path {
		m, ok := v.(map[string]any)
		if !ok {
			found = false
			break
		}
		if v, ok = m[p]; !ok {
			found = false
			break
		}
	}
	switch t.op {
	case "notexists":
		return !found
	case "exists":
		return found
	}
	if !found {
		return false
	}
	switch t.op {
	case "null":
		return v == nil
	case "true", "false":
		b, ok := v.(bool)
		return ok && b == (t.op == "true")
	}
	if v == nil {
		return false
	}
	if n, ok := v.(float64); ok {
		if want, err := strconv.ParseFloat(t.value, 64); err == nil {
			switch t.op {
			case "=":
				return n == want
			case "!=":
				return n != want
			case "<":
				return n < want
			case ">":
				return n > want
			case "<=":
				return n <= want
			case ">=":
				return n >= want
			}
		}
	}
	s := fmt.Sprint(v)
	switch t.op {
	case "=":
		return t.re.MatchString(s)
	case "!=":
		return !t.re.MatchString(s)
	}
	return false
}

// cwParse parses a JSON filter pattern ("{ $.eventName = X && … }").
func cwParse(pattern string) (cwExpr, error) {
	s := strings.TrimSpace(pattern)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, fmt.Errorf("not a JSON filter pattern (want { … })")
	}
	p := &cwParser{src: s[1 : len(s)-1]}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.skip(); p.pos < len(p.src) {
		return nil, fmt.Errorf("unexpected %q at %d", p.src[p.pos:], p.pos)
	}
	return e, nil
}

type cwParser struct {
	src string
	pos int
}

func (p *cwParser) skip() {
	for p.pos < len(p.src) && unicode.IsSpace(rune(p.src[p.pos])) {
		p.pos++
	}
}

func (p *cwParser) eat(tok string) bool {
	p.skip()
	if strings.HasPrefix(p.src[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *cwParser) or() (cwExpr, error) {
	l, err := p.and()
	for err == nil && p.eat("||") {
		var r cwExpr
		if r, err = p.and(); err == nil {
			l = cwOr{l, r}
		}
	}
	return l, err
}

func (p *cwParser) and() (cwExpr, error) {
	l, err := p.unary()
	for err == nil && p.eat("&&") {
		var r cwExpr
		if r, err = p.unary(); err == nil {
			l = cwAnd{l, r}
		}
	}
	return l, err
}

func (p *cwParser) unary() (cwExpr, error) {
	if p.eat("(") {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, fmt.Errorf("missing ) at %d", p.pos)
		}
		return e, nil
	}
	return p.term()
}

// term reads "$.a.b[0] op value" or "$.a IS NULL" and friends.
func (p *cwParser) term() (cwExpr, error) {
	p.skip()
	if !strings.HasPrefix(p.src[p.pos:], "$") {
		return nil, fmt.Errorf("want a $.selector at %d", p.pos)
	}
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune(" \t\r\n=!<>()&|", rune(p.src[p.pos])) {
		p.pos++
	}
	sel := p.src[start:p.pos]
	var path []string
	for _, part := range strings.Split(strings.TrimPrefix(sel, "$"), ".") {
		if part == "" {
			continue
		}
		// $.a[0] indexes arrays; sample events have none, so keep the
		// name (an indexed selector then matches nothing).
		path = append(path, part)
	}
	if len(path) == 0 {
		return nil, fmt.Errorf("empty selector at %d", start)
	}
	t := cwTerm{path: path}
	rest := strings.ToUpper(strings.TrimSpace(p.src[p.pos:]))
	for _, w := range []struct{ text, op string }{{"NOT EXISTS", "notexists"}, {"EXISTS", "exists"}, {"IS NULL", "null"}, {"IS TRUE", "true"}, {"IS FALSE", "false"}} {
		if strings.HasPrefix(rest, w.text) {
			p.skip()
			p.pos += len(w.text)
			t.op = w.op
			return t, nil
		}
	}
	for _, op := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if p.eat(op) {
			t.op = op
			break
		}
	}
	if t.op == "" {
		return nil, fmt.Errorf("want a comparison after %s", sel)
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	t.value = v
	if t.re, err = cwValueRegexp(v); err != nil {
		return nil, err
	}
	return t, nil
}

// value reads a quoted string, a %regex% or a bare word.
func (p *cwParser) value() (string, error) {
	p.skip()
	if p.pos >= len(p.src) {
		return "", fmt.Errorf("missing value at end")
	}
	switch c := p.src[p.pos]; c {
	case '"':
		end := p.pos + 1
		for end < len(p.src) && (p.src[end] != '"' || p.src[end-1] == '\\') {
			end++
		}
		if end >= len(p.src) {
			return "", fmt.Errorf("unterminated string at %d", p.pos)
		}
		v := strings.ReplaceAll(p.src[p.pos+1:end], `\"`, `"`)
		p.pos = end + 1
		return v, nil
	case '%':
		end := strings.IndexByte(p.src[p.pos+1:], '%')
		if end < 0 {
			return "", fmt.Errorf("unterminated regular expression at %d", p.pos)
		}
		v := p.src[p.pos : p.pos+end+2]
		p.pos += end + 2
		return v, nil
	}
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune(" \t\r\n()&|", rune(p.src[p.pos])) {
		p.pos++
	}
	if p.pos == start {
		return "", fmt.Errorf("missing value at %d", start)
	}
	return p.src[start:p.pos], nil
}

// cwValueRegexp compiles a comparison value: %regex% as is, otherwise an
// exact match where * is a wildcard.
func cwValueRegexp(v string) (*regexp.Regexp, error) {
	if len(v) >= 2 && strings.HasPrefix(v, "%") && strings.HasSuffix(v, "%") {
		return regexp.Compile(v[1 : len(v)-1])
	}
	parts := strings.Split(v, "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.Compile("^" + strings.Join(parts, ".*") + "$")
}
