package sigma

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// maxDepth bounds nesting in conditions so hostile rules cannot exhaust
// the stack.
const maxDepth = 64

// nodeKind is the kind of a condition node.
type nodeKind int

const (
	nodeIdent nodeKind = iota // a search identifier
	nodeAnd
	nodeOr
	nodeNot
	nodeOneOf // "1 of pattern" / "1 of them"
	nodeAllOf // "all of pattern" / "all of them"
)

// node is a parsed condition. Ident holds the identifier or the pattern
// ("them" for every identifier) of a quantifier.
type node struct {
	kind  nodeKind
	ident string
	kids  []*node
	sel   *selection // set by bind for nodeIdent
}

type token struct {
	text string
	pos  int
}

// tokenize splits a condition into words and parentheses.
func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			out = append(out, token{string(c), i})
			i++
		case c == '|':
			return nil, unsupported("aggregation expression (| in condition)")
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			out = append(out, token{s[i:j], i})
			i = j
		default:
			return nil, fmt.Errorf("condition: unexpected character %q at offset %d", c, i)
		}
	}
	return out, nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '*' || c == '.' || c == '-' || c == '?'
}

type condParser struct {
	toks  []token
	i     int
	depth int
}

// parseCondition parses a Sigma condition into a tree:
//
//	expr    = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | primary
//	primary = "(" expr ")" | quant "of" ( pattern | "them" ) | identifier
//	quant   = "1" | "any" | "all"
//
// Keywords are case-insensitive. It never panics.
func parseCondition(s string) (*node, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("condition: empty")
	}
	p := &condParser{toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		t := p.toks[p.i]
		return nil, fmt.Errorf("condition: unexpected %q at offset %d", t.text, t.pos)
	}
	return n, nil
}

func (p *condParser) peek() (string, bool) {
	if p.i >= len(p.toks) {
		return "", false
	}
	return p.toks[p.i].text, true
}

func (p *condParser) keyword(kw string) bool {
	t, ok := p.peek()
	if ok && strings.EqualFold(t, kw) {
		p.i++
		return true
	}
	return false
}

func (p *condParser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return fmt.Errorf("condition: nested deeper than %d", maxDepth)
	}
	return nil
}

func (p *condParser) or() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("or") {
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		n = join(nodeOr, n, r)
	}
	return n, nil
}

func (p *condParser) and() (*node, error) {
	n, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.keyword("and") {
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		n = join(nodeAnd, n, r)
	}
	return n, nil
}

// join flattens chains of one operator.
func join(k nodeKind, l, r *node) *node {
	if l.kind == k {
		l.kids = append(l.kids, r)
		return l
	}
	return &node{kind: k, kids: []*node{l, r}}
}

func (p *condParser) unary() (*node, error) {
	if p.keyword("not") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &node{kind: nodeNot, kids: []*node{n}}, nil
	}
	return p.primary()
}

func (p *condParser) primary() (*node, error) {
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("condition: unexpected end")
	}
	pos := p.toks[p.i].pos
	p.i++
	if t == "(" {
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.keyword(")") {
			return nil, fmt.Errorf("condition: missing ) for ( at offset %d", pos)
		}
		return n, nil
	}
	if t == ")" {
		return nil, fmt.Errorf("condition: unexpected ) at offset %d", pos)
	}
	if isKeyword(t) {
		return nil, fmt.Errorf("condition: unexpected %q at offset %d", t, pos)
	}
	if next, ok := p.peek(); ok && strings.EqualFold(next, "of") {
		p.i++
		var k nodeKind
		switch {
		case t == "1" || strings.EqualFold(t, "any"):
			k = nodeOneOf
		case strings.EqualFold(t, "all"):
			k = nodeAllOf
		default:
			return nil, unsupported(fmt.Sprintf("quantifier %q of (only 1 of and all of)", t))
		}
		target, ok := p.peek()
		if !ok || target == "(" || target == ")" || isKeyword(target) && !strings.EqualFold(target, "them") {
			return nil, fmt.Errorf("condition: %s of needs a pattern or them at offset %d", t, pos)
		}
		p.i++
		if strings.EqualFold(target, "them") {
			target = "them"
		}
		return &node{kind: k, ident: target}, nil
	}
	if strings.ContainsAny(t, "*?") {
		return nil, fmt.Errorf("condition: wildcard identifier %q outside 1 of/all of at offset %d", t, pos)
	}
	if strings.EqualFold(t, "all") || strings.EqualFold(t, "any") {
		return nil, fmt.Errorf("condition: %q without of at offset %d", t, pos)
	}
	return &node{kind: nodeIdent, ident: t}, nil
}

func isKeyword(t string) bool {
	for _, kw := range []string{"and", "or", "not", "of"} {
		if strings.EqualFold(t, kw) {
			return true
		}
	}
	return false
}

// resolve replaces quantifiers by and/or over the identifiers they name
// and checks that every identifier is defined. names is sorted.
func resolve(n *node, names []string) (*node, error) {
	switch n.kind {
	case nodeIdent:
		if _, ok := slices.BinarySearch(names, n.ident); !ok {
			return nil, fmt.Errorf("condition: undefined search identifier %q", n.ident)
		}
		return n, nil
	case nodeOneOf, nodeAllOf:
		var kids []*node
		for _, name := range names {
			if n.ident == "them" {
				// Sigma: "them" leaves out identifiers starting with _.
				if strings.HasPrefix(name, "_") {
					continue
				}
			} else if ok, _ := path.Match(n.ident, name); !ok {
				continue
			}
			kids = append(kids, &node{kind: nodeIdent, ident: name})
		}
		if len(kids) == 0 {
			return nil, fmt.Errorf("condition: %q matches no search identifier", n.ident)
		}
		if len(kids) == 1 {
			return kids[0], nil
		}
		k := nodeOr
		if n.kind == nodeAllOf {
			k = nodeAnd
		}
		return &node{kind: k, kids: kids}, nil
	default:
		out := &node{kind: n.kind}
		for _, kid := range n.kids {
			r, err := resolve(kid, names)
			if err != nil {
				return nil, err
			}
			out.kids = append(out.kids, r)
		}
		return out, nil
	}
}

// String renders n in Sigma syntax, fully parenthesised.
func (n *node) String() string {
	switch n.kind {
	case nodeIdent:
		return n.ident
	case nodeOneOf:
		return "1 of " + n.ident
	case nodeAllOf:
		return "all of " + n.ident
	case nodeNot:
		return "not " + n.kids[0].String()
	default:
		op := " and "
		if n.kind == nodeOr {
			op = " or "
		}
		parts := make([]string, len(n.kids))
		for i, k := range n.kids {
			parts[i] = k.String()
		}
		return "(" + strings.Join(parts, op) + ")"
	}
}
