package console

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"time"
)

// cellText renders a query value for a table cell or CSV: NULL is empty,
// nested values (structs, lists, maps) are JSON.
func cellText(v any) string {
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
		b, err := json.Marshal(jsonValue(x))
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
	return fmt.Sprint(v)
}

// jsonValue converts a query value into what encoding/json renders well.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	case *big.Int: // HUGEINT, e.g. sum() of integers
		return json.Number(x.String())
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = jsonValue(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	case map[any]any: // a DuckDB MAP
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = jsonValue(e)
		}
		return out
	case fmt.Stringer:
		return x.String()
	}
	return v
}

// csvSafe defuses a text cell that a spreadsheet would run as a formula
// (CloudTrail fields such as userAgent are attacker-controlled) by
// prefixing a quote, as OWASP advises for CSV injection.
func csvSafe(v any, s string) string {
	if _, isText := v.(string); !isText || s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
