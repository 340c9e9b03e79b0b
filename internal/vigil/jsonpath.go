package vigil

import (
	"strconv"
	"strings"
)

// JSONGet walks decoded JSON (map[string]any) by key. Keys match exactly,
// else ignoring case: AWS spells the same field in camelCase (API, Config
// items, request parameters) and PascalCase (XML bodies, the AWS CLI). It
// returns nil when a step is missing.
func JSONGet(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		next, ok := m[k]
		if !ok {
			for mk, mv := range m {
				if strings.EqualFold(mk, k) {
					next, ok = mv, true
					break
				}
			}
		}
		if !ok {
			return nil
		}
		v = next
	}
	return v
}

// JSONText renders a decoded JSON scalar as text ("" for objects, lists
// and null).
func JSONText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}
