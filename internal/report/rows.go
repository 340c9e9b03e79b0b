package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Formats lists the formats WriteRows accepts.
var Formats = []string{"table", "csv", "json", "jsonl"}

// WriteRows renders a result set in format: "table" (aligned columns),
// "csv" (with header), "json" (an array of objects) or "jsonl" (one object
// per line). Nested values (structs, lists, maps) are rendered as JSON in
// table and CSV output.
func WriteRows(w io.Writer, format string, columns []string, rows [][]any) error {
	switch format {
	case "table", "":
		return writeTable(w, columns, rows)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(columns); err != nil {
			return err
		}
		rec := make([]string, len(columns))
		for _, r := range rows {
			for i, v := range r {
				rec[i] = Text(v)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case "json", "jsonl":
		if format == "json" {
			if _, err := io.WriteString(w, "["); err != nil {
				return err
			}
		}
		for i, r := range rows {
			b, err := marshalRow(columns, r)
			if err != nil {
				return err
			}
			sep := "\n"
			if format == "json" {
				sep = ""
				if i > 0 {
					b = append([]byte(",\n"), b...)
				} else {
					b = append([]byte("\n"), b...)
				}
			}
			if _, err := w.Write(append(b, sep...)); err != nil {
				return err
			}
		}
		if format == "json" {
			_, err := io.WriteString(w, "\n]\n")
			return err
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// marshalRow encodes one row as a JSON object with keys in column order.
func marshalRow(columns []string, r []any) ([]byte, error) {
	b := []byte{'{'}
	for i, c := range columns {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(c)
		b = append(b, k...)
		b = append(b, ':')
		v, err := json.Marshal(JSONValue(r[i]))
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c, err)
		}
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

// jsonValue converts driver values into what encoding/json renders well.
// JSONValue converts a query value into what encoding/json renders well:
// times as RFC 3339, HUGEINTs as numbers, DuckDB MAPs as objects.
func JSONValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	case *big.Int: // DuckDB's HUGEINT, e.g. sum() of integers
		return json.Number(x.String())
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = JSONValue(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = JSONValue(e)
		}
		return out
	case fmt.Stringer:
		return x.String()
	}
	if m, ok := mapValue(v); ok {
		return m
	}
	return v
}

// mapValue converts a DuckDB MAP (a map with non-string key type) to a
// JSON-friendly map.
func mapValue(v any) (map[string]any, bool) {
	type anyMap = map[any]any
	m, ok := v.(anyMap)
	if !ok {
		return nil, false
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[fmt.Sprint(k)] = JSONValue(e)
	}
	return out, true
}

// Text renders one query value for a table cell or CSV: NULL is empty,
// nested values (structs, lists, maps) are JSON.
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.UTC().Format(time.DateOnly)
		}
		return x.UTC().Format("2006-01-02 15:04:05.999999")
	case []any, map[string]any, map[any]any:
		b, err := json.Marshal(JSONValue(x))
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
	return fmt.Sprint(v)
}

// DefuseFormula prefixes a quote to a cell a spreadsheet would run as a
// formula (=, +, -, @, tab, CR first, also after leading spaces), as OWASP
// advises against CSV injection: CloudTrail fields and resource names are
// attacker-controlled.
func DefuseFormula(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" {
		return s
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

const maxCell = 80

func writeTable(w io.Writer, columns []string, rows [][]any) error {
	cells := make([][]string, len(rows))
	width := make([]int, len(columns))
	for i, c := range columns {
		width[i] = utf8.RuneCountInString(c)
	}
	for r, row := range rows {
		cells[r] = make([]string, len(row))
		for i, v := range row {
			s := strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(Text(v))
			if utf8.RuneCountInString(s) > maxCell {
				s = string([]rune(s)[:maxCell-1]) + "…"
			}
			cells[r][i] = s
			width[i] = max(width[i], utf8.RuneCountInString(s))
		}
	}
	var b strings.Builder
	line := func(vals []string) {
		for i, v := range vals {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(v)
			if i < len(vals)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(v)))
			}
		}
		b.WriteByte('\n')
	}
	line(columns)
	sep := make([]string, len(columns))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range cells {
		line(r)
	}
	fmt.Fprintf(&b, "(%d row%s)\n", len(rows), plural(len(rows)))
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
