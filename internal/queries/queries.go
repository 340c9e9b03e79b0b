package queries

import (
	"embed"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/internal/vigil"
)

//go:embed sql/*.sql
var files embed.FS

// Query is one saved query.
type Query struct {
	Name        string
	Description string
	// SQL is the query text without its header, with {{param}} placeholders.
	SQL    string
	Params []Param
	// Table is the main table read: cloudtrail or flowlogs.
	Table string
	// Athena reports whether the bound query runs unchanged on Athena over
	// the same tables.
	Athena bool
}

// Param is a query parameter, written {{Name}} in the SQL. A parameter
// without a default is required.
type Param struct {
	Name        string
	Description string
	Default     string
}

// catalog holds the embedded queries, sorted by name.
var catalog = mustLoad()

// All returns every saved query, sorted by name. The caller owns the result.
func All() []Query {
	out := slices.Clone(catalog)
	for i := range out {
		out[i].Params = slices.Clone(out[i].Params)
	}
	return out
}

// Get returns the saved query named name, ignoring case. An unknown name
// gives an error wrapping vigil.ErrNotFound that lists close names.
func Get(name string) (Query, error) {
	for _, q := range catalog {
		if strings.EqualFold(q.Name, name) {
			q.Params = slices.Clone(q.Params)
			return q, nil
		}
	}
	if close := closeNames(name); len(close) > 0 {
		return Query{}, fmt.Errorf("saved query %q: %w (did you mean %s?)", name, vigil.ErrNotFound, strings.Join(close, ", "))
	}
	return Query{}, fmt.Errorf("saved query %q: %w", name, vigil.ErrNotFound)
}

// Bind returns the query's SQL with each {{name}} placeholder replaced by
// values[name], or the parameter's default, as a quoted SQL string literal.
// A missing or empty required value and a value for an unknown parameter
// are errors.
func (q Query) Bind(values map[string]string) (string, error) {
	declared := map[string]Param{}
	for _, p := range q.Params {
		declared[p.Name] = p
	}
	var unknown []string
	for k := range values {
		if _, ok := declared[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return "", fmt.Errorf("query %s: unknown parameter %s (parameters: %s)", q.Name, strings.Join(unknown, ", "), q.paramNames())
	}
	bound := map[string]string{}
	for _, p := range q.Params {
		v := values[p.Name]
		if v == "" {
			v = p.Default
		}
		switch {
		case v == "":
			return "", fmt.Errorf("query %s: parameter %s is required: %s", q.Name, p.Name, p.Description)
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			return "", fmt.Errorf("query %s: parameter %s: value is not valid text", q.Name, p.Name)
		}
		bound[p.Name] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return placeholder.ReplaceAllStringFunc(q.SQL, func(m string) string {
		return bound[placeholder.FindStringSubmatch(m)[1]]
	}), nil
}

func (q Query) paramNames() string {
	if len(q.Params) == 0 {
		return "none"
	}
	var names []string
	for _, p := range q.Params {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

var (
	placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)
	headerKey   = regexp.MustCompile(`^--\s?([a-z]+):\s*(.*)$`)
	paramLine   = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*(\S+))?(?:\s+(.*))?$`)
	tableRef    = regexp.MustCompile(`(?i)\bauditing\s*\.\s*"?(cloudtrail|flowlogs)\b`)
)

// mustLoad parses the embedded queries. They are part of the binary, so a
// bad file is a bug that the package tests catch.
func mustLoad() []Query {
	entries, err := files.ReadDir("sql")
	if err != nil {
		panic("BUG: read embedded queries: " + err.Error())
	}
	var out []Query
	for _, e := range entries {
		b, err := files.ReadFile("sql/" + e.Name())
		if err != nil {
			panic("BUG: read embedded query: " + err.Error())
		}
		q, err := parse(e.Name(), string(b))
		if err != nil {
			panic("BUG: " + err.Error())
		}
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b Query) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// parse reads a query file: a header of "-- key: value" comment lines, then
// the SQL. Keys: name (must equal the file's base name), description
// (continued on following comment lines indented by two or more spaces),
// param ("name [= default]  description", one line each) and athena
// (true by default).
func parse(file, text string) (Query, error) {
	q := Query{Athena: true}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	last := ""
	i := 0
	for ; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		if line == "" && last == "" {
			continue
		}
		if !strings.HasPrefix(line, "--") {
			break
		}
		if m := headerKey.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, "--  ") {
			key, val := m[1], strings.TrimSpace(m[2])
			last = key
			switch key {
			case "name":
				q.Name = val
			case "description":
				q.Description = val
			case "param":
				p, err := parseParam(val)
				if err != nil {
					return Query{}, fmt.Errorf("%s: %w", file, err)
				}
				q.Params = append(q.Params, p)
			case "athena":
				if val != "true" && val != "false" {
					return Query{}, fmt.Errorf("%s: athena: want true or false, got %q", file, val)
				}
				q.Athena = val == "true"
			default:
				return Query{}, fmt.Errorf("%s: unknown header key %q", file, key)
			}
			continue
		}
		cont := strings.TrimSpace(strings.TrimPrefix(line, "--"))
		switch {
		case last == "description" && strings.HasPrefix(line, "--  "):
			q.Description += " " + cont
		case last == "param" && strings.HasPrefix(line, "--  "):
			q.Params[len(q.Params)-1].Description += " " + cont
		default:
			return Query{}, fmt.Errorf("%s: header line %d: want \"-- key: value\", got %q", file, i+1, line)
		}
	}
	q.SQL = strings.TrimSpace(strings.Join(lines[i:], "\n"))
	base := strings.TrimSuffix(path.Base(file), ".sql")
	switch {
	case q.Name == "":
		return Query{}, fmt.Errorf("%s: missing -- name: header", file)
	case q.Name != base:
		return Query{}, fmt.Errorf("%s: name %q differs from the file name", file, q.Name)
	case q.Description == "":
		return Query{}, fmt.Errorf("%s: missing -- description: header", file)
	case q.SQL == "":
		return Query{}, fmt.Errorf("%s: no SQL after the header", file)
	}
	if m := tableRef.FindStringSubmatch(q.SQL); m != nil {
		q.Table = strings.ToLower(m[1])
	} else {
		return Query{}, fmt.Errorf("%s: reads neither auditing.cloudtrail nor auditing.flowlogs", file)
	}
	// Declared parameters and placeholders must match.
	declared := map[string]bool{}
	for _, p := range q.Params {
		if declared[p.Name] {
			return Query{}, fmt.Errorf("%s: parameter %s declared twice", file, p.Name)
		}
		declared[p.Name] = true
	}
	used := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(q.SQL, -1) {
		if !declared[m[1]] {
			return Query{}, fmt.Errorf("%s: placeholder {{%s}} is not a declared parameter", file, m[1])
		}
		used[m[1]] = true
	}
	for _, p := range q.Params {
		if !used[p.Name] {
			return Query{}, fmt.Errorf("%s: parameter %s is never used", file, p.Name)
		}
	}
	return q, nil
}

func parseParam(s string) (Param, error) {
	m := paramLine.FindStringSubmatch(s)
	if m == nil {
		return Param{}, fmt.Errorf("param: want \"name [= default]  description\", got %q", s)
	}
	if strings.TrimSpace(m[3]) == "" {
		return Param{}, fmt.Errorf("param %s: missing description", m[1])
	}
	return Param{Name: m[1], Default: m[2], Description: strings.TrimSpace(m[3])}, nil
}

// closeNames returns up to three saved query names close to name: sharing
// a substring with it or within a small edit distance, ignoring case.
func closeNames(name string) []string {
	n := strings.ToLower(name)
	type cand struct {
		name string
		dist int
	}
	var cs []cand
	for _, q := range catalog {
		l := strings.ToLower(q.Name)
		d := editDistance(n, l)
		if n != "" && (strings.Contains(l, n) || strings.Contains(n, l)) {
			d = 0
		}
		if d <= max(2, len(l)/3) {
			cs = append(cs, cand{q.Name, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.dist - b.dist })
	var out []string
	for _, c := range cs[:min(3, len(cs))] {
		out = append(out, c.name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
