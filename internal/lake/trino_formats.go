package lake

import (
	"regexp"
	"strings"
)

// dateParse rewrites date_parse/parse_datetime with a constant format to
// strptime, whose format DuckDB requires to be constant.
func (r *rewriter) dateParse(i, end int) (string, int, bool) {
	open, close, ok := r.call(i, end)
	if !ok {
		return "", 0, false
	}
	a := r.args(open, close)
	if len(a) != 2 {
		return "", 0, false
	}
	f := r.single(a[1])
	if f < 0 {
		return "", 0, false
	}
	v, ok := stringValue(r.toks[f])
	if !ok {
		return "", 0, false
	}
	s := r.run(a[0].from, a[0].to)
	if strings.EqualFold(r.toks[i].text, "parse_datetime") {
		return "CAST(strptime(" + s + ", " + quoteString(jodaFormat(v)) + ") AS TIMESTAMPTZ)", close + 1, true
	}
	return "strptime(" + s + ", " + quoteString(mysqlFormat(v)) + ")", close + 1, true
}

// mysqlFormats maps Trino's date_format/date_parse specifiers to strftime's.
// Keep in step with the trino_fmt macro.
var mysqlFormats = map[byte]string{
	'a': "%a", 'b': "%b", 'c': "%-m", 'D': "%-d", 'd': "%d", 'e': "%-d", 'f': "%f", 'H': "%H",
	'h': "%I", 'I': "%I", 'i': "%M", 'j': "%j", 'k': "%-H", 'l': "%-I", 'M': "%B", 'm': "%m",
	'p': "%p", 'r': "%I:%M:%S %p", 'S': "%S", 's': "%S", 'T': "%H:%M:%S", 'U': "%U", 'u': "%W", 'V': "%U",
	'v': "%V", 'W': "%A", 'w': "%w", 'X': "%Y", 'x': "%G", 'Y': "%Y", 'y': "%y", '%': "%%",
}

// mysqlFormat translates a Trino (MySQL-style) date format into strftime's.
func mysqlFormat(f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] != '%':
			b.WriteByte(f[i])
		case i+1 == len(f):
			b.WriteString("%%")
		default:
			i++
			if s, ok := mysqlFormats[f[i]]; ok {
				b.WriteString(s)
			} else {
				b.WriteByte(f[i]) // Trino: %x is x for any other x
			}
		}
	}
	return b.String()
}

var jodaToken = regexp.MustCompile(`''|'[^']*'|y+|Y+|x+|M+|d+|D+|H+|h+|K+|k+|m+|s+|S+|E+|e+|a+|Z+|z+|G+|w+|[^a-zA-Z']+|.`)

// jodaFormat translates a Joda-Time pattern into strftime's. Keep in step
// with the trino_joda_fmt macro.
func jodaFormat(f string) string {
	var b strings.Builder
	for _, t := range jodaToken.FindAllString(f, -1) {
		n := len(t)
		switch c := t[0]; {
		case t == "''":
			b.WriteByte('\'')
		case c == '\'':
			b.WriteString(strings.ReplaceAll(strings.Trim(t, "'"), "%", "%%"))
		case (c == 'y' || c == 'Y' || c == 'x') && n == 2:
			b.WriteString("%y")
		case c == 'y' || c == 'Y' || c == 'x':
			b.WriteString("%Y")
		case c == 'M':
			b.WriteString([]string{"%-m", "%m", "%b", "%B"}[min(n, 4)-1])
		case c == 'd':
			b.WriteString([]string{"%-d", "%d"}[min(n, 2)-1])
		case c == 'D':
			b.WriteString("%j")
		case c == 'H' || c == 'k':
			b.WriteString([]string{"%-H", "%H"}[min(n, 2)-1])
		case c == 'h' || c == 'K':
			b.WriteString([]string{"%-I", "%I"}[min(n, 2)-1])
		case c == 'm':
			b.WriteString([]string{"%-M", "%M"}[min(n, 2)-1])
		case c == 's':
			b.WriteString([]string{"%-S", "%S"}[min(n, 2)-1])
		case c == 'S' && n <= 3:
			b.WriteString("%g")
		case c == 'S':
			b.WriteString("%f")
		case c == 'E' && n >= 4:
			b.WriteString("%A")
		case c == 'E':
			b.WriteString("%a")
		case c == 'e':
			b.WriteString("%u")
		case c == 'a':
			b.WriteString("%p")
		case c == 'Z':
			b.WriteString("%z")
		case c == 'z':
			b.WriteString("%Z")
		case c == 'w':
			b.WriteString("%V")
		case c == 'G':
			b.WriteString("AD")
		default:
			b.WriteString(strings.ReplaceAll(t, "%", "%%"))
		}
	}
	return b.String()
}
