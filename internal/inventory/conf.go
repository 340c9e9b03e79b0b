package inventory

import (
	"encoding/json"
	"github.com/vigil-sec/vigil/internal/vigil"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Conf returns the decoded configuration (nil when there is none). Keys
// keep their spelling; use Get and friends, which match keys without
// regard to case, to read Config's and Vigil's spellings alike.
func (it *Item) Conf() map[string]any {
	if it.conf == nil && len(it.Configuration) > 0 {
		var m map[string]any
		if json.Unmarshal(it.Configuration, &m) == nil {
			it.conf = m
		}
		if it.conf == nil {
			it.conf = map[string]any{}
		}
	}
	return it.conf
}

// Supp returns the decoded supplementary configuration.
func (it *Item) Supp() map[string]any {
	if it.supp == nil {
		it.supp = map[string]any{}
		for k, v := range it.SupplementaryConfiguration {
			var x any
			if json.Unmarshal(v, &x) == nil {
				it.supp[k] = x
			}
		}
	}
	return it.supp
}

// Get walks path through nested objects, matching keys case-insensitively
// (exact match first). It returns nil when any step is missing.
func Get(v any, path ...string) any { return vigil.JSONGet(v, path...) }

// Str returns the scalar at path as text ("" when missing or not a scalar).
func Str(v any, path ...string) string { return vigil.JSONText(Get(v, path...)) }

// Bool returns the boolean at path; the strings "true"/"false" count.
func Bool(v any, path ...string) (value, ok bool) {
	switch x := Get(v, path...).(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(x)
		return b, err == nil
	}
	return false, false
}

// Int returns the number at path.
func Int(v any, path ...string) (int64, bool) {
	switch x := Get(v, path...).(type) {
	case float64:
		return int64(x), true
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// List returns the array at path.
func List(v any, path ...string) []any {
	l, _ := Get(v, path...).([]any)
	return l
}

// Obj returns the object at path.
func Obj(v any, path ...string) map[string]any {
	m, _ := Get(v, path...).(map[string]any)
	return m
}

// PolicyDoc decodes an IAM-style policy document given as an object, a
// JSON string or a URL-encoded JSON string (as IAM's API returns it).
// It returns nil when v holds no parseable document.
func PolicyDoc(v any) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return x
	case string:
		s := strings.TrimSpace(x)
		if !strings.HasPrefix(s, "{") {
			if u, err := url.QueryUnescape(s); err == nil {
				s = strings.TrimSpace(u)
			}
		}
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) == nil {
			return m
		}
	}
	return nil
}

// ConfigJSON renders an SDK value (an output struct or one of its members)
// in Config's form: struct field names lower-camel-cased (map keys are
// kept, so collectors build their own maps with lower-camel keys), nil
// values dropped (empty strings, such as unset enums, are kept), the SDK's ResultMetadata removed, and IAM policy
// documents (PolicyDocument, AssumeRolePolicyDocument, Document), which the
// API returns URL-encoded, decoded into JSON objects — so a live
// collection and a replay of an AWS CLI recording (which prints them
// decoded) give the same item. Checks read either form with PolicyDoc.
func ConfigJSON(v any) json.RawMessage {
	b, err := json.Marshal(toConfigValue(reflect.ValueOf(v)))
	if err != nil {
		return json.RawMessage("{}")
	}
	return b
}

// toConfigValue converts an SDK value into plain JSON values with
// lower-camel keys.
func toConfigValue(v reflect.Value) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if m, ok := v.Interface().(json.Marshaler); ok && v.Kind() != reflect.Map {
		b, err := m.MarshalJSON()
		if err == nil {
			var x any
			if json.Unmarshal(b, &x) == nil {
				return x
			}
		}
	}
	switch v.Kind() {
	case reflect.Struct:
		out := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			x := toConfigValue(v.Field(i))
			if x == nil {
				continue
			}
			if str, ok := x.(string); ok && policyKeys[f.Name] {
				if doc := PolicyDoc(str); doc != nil {
					x = doc
				}
			}
			out[lowerCamel(f.Name)] = x
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes()
		}
		out := make([]any, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			out = append(out, toConfigValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		iter := v.MapRange()
		for iter.Next() {
			out[iter.Key().String()] = toConfigValue(iter.Value())
		}
		return out
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return nil
}

// lowerCamel turns a Go field name into Config's key: "VpcId" → "vpcId",
// "ARN" → "arn", "IPv6Ranges" stays recognisable as "iPv6Ranges" only
// when the leading run is one letter.
func lowerCamel(s string) string {
	if s == "" {
		return s
	}
	// Leading run of capitals: lower all but the last one when it starts
	// a new word ("KMSKeyId" → "kmsKeyId"), all of them at the end
	// ("ARN" → "arn").
	n := 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !unicode.IsUpper(r) {
			break
		}
		n += size
	}
	switch {
	case n == 0:
		return s
	case n == len(s):
		return strings.ToLower(s)
	case n == 1:
		return strings.ToLower(s[:1]) + s[1:]
	default:
		return strings.ToLower(s[:n-1]) + s[n-1:]
	}
}
