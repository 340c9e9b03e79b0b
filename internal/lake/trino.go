package lake

import (
	"regexp"
	"strconv"
	"strings"
)

// Trino (Athena) compatibility.
//
// Users query the lake with the SQL they already run on Athena. DuckDB
// understands most of it; the rest is bridged in two ways:
//
//   - trinoMacros: SQL macros created on every connection. They add Trino
//     functions DuckDB lacks (json_extract_scalar, to_iso8601, date_format...)
//     and shadow built-ins whose Trino semantics differ (regexp_replace replaces
//     every match, regexp_extract returns NULL on no match, json_extract
//     returns JSON text...). A macro calls the shadowed built-in as
//     system.main.<name>.
//   - rewriteTrino: a token-level rewrite of the few constructs a macro cannot
//     express (IPADDRESS casts, Trino type syntax, date_parse with a constant
//     format, lambdas passed to functions, multi-column UNNEST...).
//
// docs/sql.md lists what is supported and how. The engine must also run each
// connection with SET TimeZone = 'UTC' (Athena's session zone) and
// SET integer_division = true (Trino's 5 / 2 is 2).

// rewriteTrino rewrites Trino-only syntax that a macro cannot express into
// DuckDB syntax. It is a no-op on plain DuckDB SQL and never touches text
// inside string literals, quoted identifiers or comments. Unbalanced or
// unexpected input is left as it is, for DuckDB to report.
//
// Rewrites:
//
//	CAST(x AS IPADDRESS), CAST(x AS IPPREFIX), IPADDRESS '…'  ->  x, '…'
//	contains(prefix, CAST(ip AS IPADDRESS))                   ->  cidr_contains(prefix, ip)
//	CAST(x AS ARRAY(T)), ROW(a T), VARBINARY, TIMESTAMP(p) WITH TIME ZONE -> T[] via JSON, STRUCT(a T), BLOB, TIMESTAMPTZ
//	CAST(json_extract(…) AS MAP(…)|ROW(…))                    ->  cast through JSON
//	date_parse(s, 'fmt'), parse_datetime(s, 'fmt')            ->  strptime(s, 'translated fmt')
//	transform(a, f), reduce(a, s, f, g), any_match/all_match/none_match(a, f) -> list_* lambdas
//	IF(c, x)                                                  ->  IF(c, x, NULL)
//	FROM t CROSS JOIN UNNEST(a, b) AS u(x, y)                 ->  (SELECT UNNEST(a1), UNNEST(a2) FROM (SELECT a AS a1, b AS a2)) AS u(x, y)
//	UNNEST(array_of_rows) AS u(f1, f2)                        ->  (SELECT UNNEST(a1, recursive := true) FROM …) AS u(f1, f2)
//	listagg(x, ',') WITHIN GROUP (ORDER BY y)                 ->  string_agg(x, ',' ORDER BY y)
//	current_date - interval '7' day                           ->  CAST((current_date - interval '7' day) AS DATE)
//	TIMESTAMP '2020-01-01 00:00:00 UTC'                       ->  TIMESTAMPTZ '2020-01-01 00:00:00 UTC'
//	SHOW PARTITIONS t                                         ->  SELECT the account/region/date partitions of t
//	regexp_replace(s, p, r, options)  (DuckDB's)              ->  system.main.regexp_replace(…)
func rewriteTrino(sql string) string {
	toks := tokenize(sql)
	if !hasTrigger(toks) {
		return sql
	}
	if s, ok := rewriteShowPartitions(toks); ok {
		return s
	}
	return (&rewriter{toks: toks}).run(0, len(toks))
}

// triggers are the words that start a rewrite; input without them is returned
// as it is.
var triggers = map[string]bool{
	"cast": true, "try_cast": true, "contains": true, "date_parse": true, "parse_datetime": true,
	"transform": true, "reduce": true, "any_match": true, "all_match": true, "none_match": true,
	"if": true, "unnest": true, "listagg": true, "current_date": true, "date": true, "timestamp": true,
	"ipaddress": true, "ipprefix": true, "show": true, "regexp_replace": true,
}

func hasTrigger(toks []token) bool {
	for _, t := range toks {
		if t.kind == tkWord && triggers[strings.ToLower(t.text)] {
			return true
		}
	}
	return false
}

// --- tokenizer ---

type tokKind uint8

const (
	tkSpace   tokKind = iota // whitespace
	tkComment                // -- … or /* … */
	tkString                 // '…', E'…', $tag$…$tag$
	tkQuoted                 // "…"
	tkWord                   // identifier, keyword, $1
	tkNumber                 // 1, 1.5, 1e3
	tkPunct                  // any other byte
)

type token struct {
	kind tokKind
	text string
}

func isWordStart(c byte) bool {
	return c == '_' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isWordByte(c byte) bool { return isWordStart(c) || c == '$' || (c >= '0' && c <= '9') }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// tokenize splits sql into tokens whose texts concatenate back to sql.
func tokenize(sql string) []token {
	var toks []token
	for i := 0; i < len(sql); {
		start := i
		c := sql[i]
		kind := tkPunct
		switch {
		case isSpace(c):
			kind = tkSpace
			for i < len(sql) && isSpace(sql[i]) {
				i++
			}
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			kind = tkComment
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			kind = tkComment
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += 2 + j + 2
			} else {
				i = len(sql)
			}
		case c == '\'':
			kind = tkString
			i = endQuoted(sql, i, '\'', false)
		case c == '"':
			kind = tkQuoted
			i = endQuoted(sql, i, '"', false)
		case (c == 'e' || c == 'E') && i+1 < len(sql) && sql[i+1] == '\'':
			// DuckDB escape string: backslash escapes the quote.
			kind = tkString
			i = endQuoted(sql, i+1, '\'', true)
		case c == '$':
			j := i + 1
			for j < len(sql) && (isWordStart(sql[j]) || (j > i+1 && sql[j] >= '0' && sql[j] <= '9')) {
				j++
			}
			if j < len(sql) && sql[j] == '$' {
				kind = tkString
				delim := sql[i : j+1]
				if k := strings.Index(sql[j+1:], delim); k >= 0 {
					i = j + 1 + k + len(delim)
				} else {
					i = len(sql)
				}
			} else {
				kind = tkWord // $1, $name parameters
				i++
				for i < len(sql) && isWordByte(sql[i]) {
					i++
				}
			}
		case isWordStart(c):
			kind = tkWord
			for i < len(sql) && isWordByte(sql[i]) {
				i++
			}
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(sql) && sql[i+1] >= '0' && sql[i+1] <= '9':
			kind = tkNumber
			for i < len(sql) {
				d := sql[i]
				if (d == '+' || d == '-') && (sql[i-1]|0x20 == 'e') {
					i++
					continue
				}
				if d != '.' && d != '_' && !(d >= '0' && d <= '9') && !(d|0x20 >= 'a' && d|0x20 <= 'z') {
					break
				}
				i++
			}
		default:
			i++
		}
		toks = append(toks, token{kind: kind, text: sql[start:i]})
	}
	return toks
}

// endQuoted returns the index after the quoted text starting at sql[i] == q.
// A doubled quote is an escaped quote; with backslash, so is \q.
func endQuoted(sql string, i int, q byte, backslash bool) int {
	for i++; i < len(sql); i++ {
		switch sql[i] {
		case '\\':
			if backslash {
				i++
			}
		case q:
			if i+1 < len(sql) && sql[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(sql)
}

// stringValue returns the value of a plain '…' literal token.
func stringValue(t token) (string, bool) {
	if t.kind != tkString || len(t.text) < 2 || t.text[0] != '\'' || t.text[len(t.text)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(t.text[1:len(t.text)-1], "''", "'"), true
}

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// --- rewriter ---

type rewriter struct {
	toks []token
}

func (r *rewriter) sig(i int) bool { return r.toks[i].kind != tkSpace && r.toks[i].kind != tkComment }

// next returns the index of the first significant token at or after i, or end.
func (r *rewriter) next(i, end int) int {
	for i < end && !r.sig(i) {
		i++
	}
	return i
}

// prev returns the index of the last significant token before i, or -1.
func (r *rewriter) prev(i int) int {
	for i--; i >= 0 && !r.sig(i); i-- {
	}
	return i
}

func (r *rewriter) is(i, end int, punct string) bool {
	return i < end && r.toks[i].kind == tkPunct && r.toks[i].text == punct
}

func (r *rewriter) word(i, end int, w string) bool {
	return i < end && r.toks[i].kind == tkWord && strings.EqualFold(r.toks[i].text, w)
}

// match returns the index of the bracket closing the one at i, or -1.
func (r *rewriter) match(i, end int) int {
	depth := 0
	for ; i < end; i++ {
		if r.toks[i].kind != tkPunct {
			continue
		}
		switch r.toks[i].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return i
			}
			if depth < 0 {
				return -1
			}
		}
	}
	return -1
}

// span is a half-open token range.
type span struct{ from, to int }

// args splits the tokens between brackets at open and close at top-level commas.
func (r *rewriter) args(open, close int) []span {
	var out []span
	depth, from := 0, open+1
	for i := open + 1; i < close; i++ {
		if r.toks[i].kind != tkPunct {
			continue
		}
		switch r.toks[i].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ",":
			if depth == 0 {
				out = append(out, span{from, i})
				from = i + 1
			}
		}
	}
	if r.next(from, close) < close || len(out) > 0 {
		out = append(out, span{from, close})
	}
	return out
}

func (r *rewriter) text(from, to int) string {
	var b strings.Builder
	for _, t := range r.toks[from:to] {
		b.WriteString(t.text)
	}
	return b.String()
}

// single returns the only significant token of s, or -1.
func (r *rewriter) single(s span) int {
	i := r.next(s.from, s.to)
	if i >= s.to || r.next(i+1, s.to) < s.to {
		return -1
	}
	return i
}

// call returns the indexes of the parentheses of a function call whose name is
// at i, or ok false if toks[i] is not a function name (a qualified name, a
// column, a keyword without parentheses).
func (r *rewriter) call(i, end int) (open, close int, ok bool) {
	if p := r.prev(i); p >= 0 && r.toks[p].kind == tkPunct && r.toks[p].text == "." {
		return 0, 0, false
	}
	open = r.next(i+1, end)
	if !r.is(open, end, "(") {
		return 0, 0, false
	}
	close = r.match(open, end)
	return open, close, close > 0
}

// run rewrites toks[from:to].
func (r *rewriter) run(from, to int) string {
	var b strings.Builder
	for i := from; i < to; {
		if r.toks[i].kind == tkWord {
			if s, n, ok := r.rule(i, to); ok {
				b.WriteString(s)
				i = n
				continue
			}
		}
		b.WriteString(r.toks[i].text)
		i++
	}
	return b.String()
}

// rule applies the rewrite starting at the word toks[i], returning the new
// text and the index after what it replaced.
func (r *rewriter) rule(i, end int) (string, int, bool) {
	switch strings.ToLower(r.toks[i].text) {
	case "cast", "try_cast":
		return r.cast(i, end)
	case "contains":
		return r.contains(i, end)
	case "date_parse", "parse_datetime":
		return r.dateParse(i, end)
	case "transform":
		if _, _, ok := r.call(i, end); ok {
			return "list_transform", i + 1, true
		}
	case "reduce", "any_match", "all_match", "none_match":
		return r.lambda(i, end)
	case "if":
		return r.ifCall(i, end)
	case "unnest":
		return r.unnest(i, end)
	case "listagg":
		return r.listagg(i, end)
	case "regexp_replace":
		// DuckDB's 4-argument form (options) bypasses the Trino macro.
		if open, close, ok := r.call(i, end); ok && len(r.args(open, close)) == 4 {
			return "system.main.regexp_replace", i + 1, true
		}
	case "ipaddress", "ipprefix":
		if j := r.next(i+1, end); j < end && r.toks[j].kind == tkString {
			return r.toks[j].text, j + 1, true
		}
	case "timestamp":
		return r.timestampLiteral(i, end)
	}
	if s, n, ok := r.dateArith(i, end); ok {
		return s, n, true
	}
	return "", 0, false
}

// cast rewrites CAST/TRY_CAST(x AS T) when T is Trino type syntax.
func (r *rewriter) cast(i, end int) (string, int, bool) {
	open, close, ok := r.call(i, end)
	if !ok {
		return "", 0, false
	}
	as := -1
	depth := 0
	for k := open + 1; k < close; k++ {
		t := r.toks[k]
		switch {
		case t.kind == tkPunct && (t.text == "(" || t.text == "[" || t.text == "{"):
			depth++
		case t.kind == tkPunct && (t.text == ")" || t.text == "]" || t.text == "}"):
			depth--
		case depth == 0 && t.kind == tkWord && strings.EqualFold(t.text, "as"):
			as = k
		}
	}
	if as < 0 {
		return "", 0, false
	}
	expr := r.run(open+1, as)
	if r.isIPType(as+1, close) {
		return "(" + strings.TrimSpace(expr) + ")", close + 1, true
	}
	typ, changed, nested := r.typ(as+1, close)
	typ = strings.TrimSpace(typ)
	fn := r.toks[i].text
	switch {
	case nested == "ARRAY" || (nested != "" && r.jsonCall(open+1, as)):
		// Trino casts JSON to containers; DuckDB does that from its JSON type.
		return fn + "(" + fn + "(" + strings.TrimSpace(expr) + " AS JSON) AS " + typ + ")", close + 1, true
	case changed:
		return r.text(i, open+1) + strings.TrimSpace(expr) + " AS " + typ + ")", close + 1, true
	default:
		return r.text(i, open+1) + expr + r.text(as, close+1), close + 1, true
	}
}

func (r *rewriter) isIPType(from, to int) bool {
	s := span{from, to}
	k := r.single(s)
	return k >= 0 && (r.word(k, to, "ipaddress") || r.word(k, to, "ipprefix"))
}

// jsonCall reports whether toks[from:to] is one call of a function returning JSON text.
func (r *rewriter) jsonCall(from, to int) bool {
	i := r.next(from, to)
	if i >= to || r.toks[i].kind != tkWord {
		return false
	}
	switch strings.ToLower(r.toks[i].text) {
	case "json_extract", "json_parse", "json_query", "json_array_get":
	default:
		return false
	}
	open := r.next(i+1, to)
	if !r.is(open, to, "(") {
		return false
	}
	close := r.match(open, to)
	return close > 0 && r.next(close+1, to) == to
}

// typ translates the type in toks[from:to]. It reports whether the text
// changed, and the Trino container (ARRAY, MAP, ROW) at the top level, if any.
func (r *rewriter) typ(from, to int) (string, bool, string) {
	orig := r.text(from, to)
	i := r.next(from, to)
	if i >= to || r.toks[i].kind != tkWord {
		return orig, false, ""
	}
	name := strings.ToUpper(r.toks[i].text)
	j := r.next(i+1, to)
	var open, close int = -1, -1
	if r.is(j, to, "(") {
		open, close = j, r.match(j, to)
		if close < 0 {
			return orig, false, ""
		}
		j = r.next(close+1, to)
	}
	// Trailing words: WITH TIME ZONE, WITHOUT TIME ZONE.
	var tail []string
	for ; j < to; j = r.next(j+1, to) {
		if r.toks[j].kind != tkWord {
			return orig, false, ""
		}
		tail = append(tail, strings.ToUpper(r.toks[j].text))
	}
	withTZ := strings.Join(tail, " ") == "WITH TIME ZONE"
	switch {
	case name == "ARRAY" && open >= 0 && len(tail) == 0:
		elem, _, _ := r.typ(open+1, close)
		return strings.TrimSpace(elem) + "[]", true, "ARRAY"
	case name == "MAP" && open >= 0 && len(tail) == 0:
		a := r.args(open, close)
		if len(a) != 2 {
			return orig, false, ""
		}
		k, kc, _ := r.typ(a[0].from, a[0].to)
		v, vc, _ := r.typ(a[1].from, a[1].to)
		if !kc && !vc {
			return orig, false, "MAP"
		}
		return "MAP(" + strings.TrimSpace(k) + ", " + strings.TrimSpace(v) + ")", true, "MAP"
	case name == "ROW" && open >= 0 && len(tail) == 0:
		var fields []string
		for _, f := range r.args(open, close) {
			n := r.next(f.from, f.to)
			if n >= f.to || (r.toks[n].kind != tkWord && r.toks[n].kind != tkQuoted) {
				return orig, false, ""
			}
			ft, _, _ := r.typ(n+1, f.to)
			fields = append(fields, r.toks[n].text+" "+strings.TrimSpace(ft))
		}
		return "STRUCT(" + strings.Join(fields, ", ") + ")", true, "ROW"
	case (name == "TIMESTAMP" || name == "TIME") && open >= 0 && withTZ:
		return name + "TZ", true, ""
	case name == "VARBINARY" && open < 0 && len(tail) == 0:
		return "BLOB", true, ""
	case (name == "IPADDRESS" || name == "IPPREFIX") && open < 0 && len(tail) == 0:
		return "VARCHAR", true, ""
	}
	return orig, false, ""
}

// contains rewrites Trino's IP prefix membership to cidr_contains.
func (r *rewriter) contains(i, end int) (string, int, bool) {
	open, close, ok := r.call(i, end)
	if !ok {
		return "", 0, false
	}
	a := r.args(open, close)
	if len(a) != 2 || !(r.ipArg(a[0]) || r.ipArg(a[1])) {
		return "", 0, false
	}
	return "cidr_contains(" + r.run(a[0].from, a[0].to) + "," + r.run(a[1].from, a[1].to) + ")", close + 1, true
}

// ipArg reports whether s is CAST(… AS IPADDRESS|IPPREFIX) or an IPADDRESS/IPPREFIX literal.
func (r *rewriter) ipArg(s span) bool {
	i := r.next(s.from, s.to)
	if i >= s.to || r.toks[i].kind != tkWord {
		return false
	}
	switch strings.ToLower(r.toks[i].text) {
	case "ipaddress", "ipprefix":
		j := r.next(i+1, s.to)
		return j < s.to && r.toks[j].kind == tkString && r.next(j+1, s.to) == s.to
	case "cast", "try_cast":
		open, close, ok := r.call(i, s.to)
		if !ok || r.next(close+1, s.to) != s.to {
			return false
		}
		for k := close - 1; k > open; k-- {
			if r.word(k, close, "as") {
				return r.isIPType(k+1, close)
			}
		}
	}
	return false
}

// lambda rewrites Trino's higher-order functions whose lambda argument a
// macro cannot pass on.
func (r *rewriter) lambda(i, end int) (string, int, bool) {
	open, close, ok := r.call(i, end)
	if !ok {
		return "", 0, false
	}
	a := r.args(open, close)
	args := make([]string, len(a))
	for k, s := range a {
		args[k] = strings.TrimSpace(r.run(s.from, s.to))
	}
	// Each argument appears once in the result, so nesting cannot blow up.
	switch name := strings.ToLower(r.toks[i].text); {
	case name == "reduce" && len(a) == 4:
		return "list_transform([list_reduce(" + args[0] + ", " + args[2] + ", " + args[1] + ")], " + args[3] + ")[1]", close + 1, true
	case name == "any_match" && len(a) == 2:
		return "list_bool_or(list_transform(" + args[0] + ", " + args[1] + ") || [false])", close + 1, true
	case name == "all_match" && len(a) == 2:
		return "list_bool_and(list_transform(" + args[0] + ", " + args[1] + ") || [true])", close + 1, true
	case name == "none_match" && len(a) == 2:
		return "(NOT list_bool_or(list_transform(" + args[0] + ", " + args[1] + ") || [false]))", close + 1, true
	}
	return "", 0, false
}

// ifCall completes Trino's two-argument IF, which DuckDB's parser rejects.
func (r *rewriter) ifCall(i, end int) (string, int, bool) {
	open, close, ok := r.call(i, end)
	if !ok {
		return "", 0, false
	}
	a := r.args(open, close)
	if len(a) != 2 {
		return "", 0, false
	}
	return r.text(i, open+1) + r.run(a[0].from, a[0].to) + "," + r.run(a[1].from, a[1].to) + ", NULL)", close + 1, true
}

// unnest rewrites the UNNEST forms DuckDB lacks in a FROM clause: several
// arrays zipped together, and an array of rows expanded into one column per field.
func (r *rewriter) unnest(i, end int) (string, int, bool) {
	p := r.prev(i)
	if p < 0 || !(r.word(p, end, "join") || r.word(p, end, "from") || r.is(p, end, ",") || r.word(p, end, "lateral")) {
		return "", 0, false
	}
	open, close, ok := r.call(i, end)
	if !ok {
		return "", 0, false
	}
	a := r.args(open, close)
	if len(a) == 0 {
		return "", 0, false
	}
	for k := open + 1; k+1 < close; k++ {
		if r.is(k, close, ":") && r.is(k+1, close, "=") { // named parameters: DuckDB syntax
			return "", 0, false
		}
	}
	// WITH ORDINALITY, [AS] alias, (columns)
	j := r.next(close+1, end)
	ordinality := false
	if r.word(j, end, "with") {
		k := r.next(j+1, end)
		if !r.word(k, end, "ordinality") {
			return "", 0, false
		}
		ordinality = true
		j = r.next(k+1, end)
	}
	after := j // where the alias starts
	if r.word(j, end, "as") {
		j = r.next(j+1, end)
	}
	cols := 0
	if j < end && (r.toks[j].kind == tkWord || r.toks[j].kind == tkQuoted) {
		if c := r.next(j+1, end); r.is(c, end, "(") {
			if cc := r.match(c, end); cc > 0 {
				cols = len(r.args(c, cc))
			}
		}
	}
	// Each argument appears once in the result (the ordinality is computed
	// from a lateral projection), so nesting cannot blow up.
	var sel, from []string
	for k, s := range a {
		from = append(from, strings.TrimSpace(r.run(s.from, s.to))+" AS a"+strconv.Itoa(k+1))
	}
	switch {
	case len(a) > 1:
		var lens []string
		for k := range a {
			sel = append(sel, "UNNEST(trino_unnest.a"+strconv.Itoa(k+1)+")")
			lens = append(lens, "len(trino_unnest.a"+strconv.Itoa(k+1)+")")
		}
		if ordinality {
			sel = append(sel, "UNNEST(range(1, 1 + greatest("+strings.Join(lens, ", ")+")))")
		}
	case ordinality && cols > 2 || !ordinality && cols > 1:
		sel = append(sel, "UNNEST(trino_unnest.a1, recursive := true)")
		if ordinality {
			sel = append(sel, "generate_subscripts(trino_unnest.a1, 1)")
		}
	default:
		return "", 0, false
	}
	return "(SELECT " + strings.Join(sel, ", ") + " FROM (SELECT " + strings.Join(from, ", ") + ") trino_unnest) ", after, true
}

// listagg rewrites Trino's listagg(x, sep) WITHIN GROUP (ORDER BY …) to string_agg.
func (r *rewriter) listagg(i, end int) (string, int, bool) {
	open, close, ok := r.call(i, end)
	if !ok {
		return "", 0, false
	}
	w := r.next(close+1, end)
	g := r.next(w+1, end)
	o := r.next(g+1, end)
	if !r.word(w, end, "within") || !r.word(g, end, "group") || !r.is(o, end, "(") {
		return "", 0, false
	}
	oc := r.match(o, end)
	a := r.args(open, close)
	if oc < 0 || len(a) == 0 || len(a) > 2 {
		return "", 0, false
	}
	sep := "''"
	if len(a) == 2 {
		k := r.next(a[1].from, a[1].to)
		if k >= a[1].to || r.toks[k].kind != tkString {
			return "", 0, false
		}
		sep = r.toks[k].text // drops ON OVERFLOW …
	}
	return "string_agg(" + strings.TrimSpace(r.run(a[0].from, a[0].to)) + ", " + sep + " " +
		strings.TrimSpace(r.run(o+1, oc)) + ")", oc + 1, true
}

var zonedTimestamp = regexp.MustCompile(`^\s*\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s*)(Z|[+-]\d{1,2}(:?\d{2})?|[A-Za-z][A-Za-z0-9_/+-]*)\s*$`)

// timestampLiteral makes TIMESTAMP '… zone' a TIMESTAMPTZ, as in Trino.
func (r *rewriter) timestampLiteral(i, end int) (string, int, bool) {
	if p := r.prev(i); p >= 0 && r.is(p, end, ".") {
		return "", 0, false
	}
	j := r.next(i+1, end)
	if j >= end {
		return "", 0, false
	}
	v, ok := stringValue(r.toks[j])
	if !ok {
		return "", 0, false
	}
	m := zonedTimestamp.FindStringSubmatchIndex(v)
	if m == nil {
		return "", 0, false
	}
	if v[m[8]] == '+' || v[m[8]] == '-' { // DuckDB wants numeric offsets attached
		v = v[:m[6]] + v[m[8]:]
	}
	return "TIMESTAMPTZ " + quoteString(v), j + 1, true
}

var dateUnits = map[string]bool{
	"day": true, "days": true, "week": true, "weeks": true, "month": true, "months": true, "year": true, "years": true,
}

// dateArith keeps DATE ± INTERVAL a DATE, as in Trino (DuckDB makes it a
// TIMESTAMP, which changes string comparisons with the date partition). It
// applies to current_date, DATE '…', date(…) and from_iso8601_date(…).
func (r *rewriter) dateArith(i, end int) (string, int, bool) {
	w := strings.ToLower(r.toks[i].text)
	if p := r.prev(i); p >= 0 && r.is(p, end, ".") {
		return "", 0, false
	}
	var primary int // index after the date expression
	switch w {
	case "current_date":
		primary = i + 1
	case "date":
		j := r.next(i+1, end)
		switch {
		case j < end && r.toks[j].kind == tkString && r.toks[j].text[0] == '\'':
			primary = j + 1
		case r.is(j, end, "("):
			c := r.match(j, end)
			if c < 0 {
				return "", 0, false
			}
			primary = c + 1
		default:
			return "", 0, false
		}
	case "from_iso8601_date":
		_, c, ok := r.call(i, end)
		if !ok {
			return "", 0, false
		}
		primary = c + 1
	default:
		return "", 0, false
	}
	n := primary
	terms := 0
	for {
		op := r.next(n, end)
		if !r.is(op, end, "+") && !r.is(op, end, "-") {
			break
		}
		iv := r.next(op+1, end)
		lit := r.next(iv+1, end)
		unit := r.next(lit+1, end)
		if !r.word(iv, end, "interval") || lit >= end || r.toks[lit].kind != tkString ||
			unit >= end || r.toks[unit].kind != tkWord || !dateUnits[strings.ToLower(r.toks[unit].text)] {
			break
		}
		if after := r.next(unit+1, end); r.is(after, end, "*") || r.is(after, end, "/") || r.word(after, end, "to") {
			return "", 0, false
		}
		n = unit + 1
		terms++
	}
	if terms == 0 {
		return "", 0, false
	}
	return "CAST((" + r.run(i, primary) + r.text(primary, n) + ") AS DATE)", n, true
}

// rewriteShowPartitions answers SHOW PARTITIONS t, which DuckDB lacks, the way
// Athena prints it for the lake's account/region/date partitions.
func rewriteShowPartitions(toks []token) (string, bool) {
	var sig []token
	for _, t := range toks {
		if t.kind != tkSpace && t.kind != tkComment && !(t.kind == tkPunct && t.text == ";") {
			sig = append(sig, t)
		}
	}
	if len(sig) < 3 || !strings.EqualFold(sig[0].text, "show") || !strings.EqualFold(sig[1].text, "partitions") {
		return "", false
	}
	// The table name: name ( . name )*
	name := sig[2:]
	if len(name)%2 == 0 {
		return "", false
	}
	var table strings.Builder
	for k, t := range name {
		if k%2 == 0 && t.kind != tkWord && t.kind != tkQuoted || k%2 == 1 && (t.kind != tkPunct || t.text != ".") {
			return "", false
		}
		table.WriteString(t.text)
	}
	return "SELECT DISTINCT 'account=' || account || '/region=' || region || '/date=' || date AS partition FROM " +
		table.String() + " ORDER BY 1", true
}
