package cloudtrail

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// params decodes an event's requestParameters (nil when absent or not an
// object). Only events a detection already selected by name get here.
func params(e *vigil.Event) map[string]any {
	if e.RequestParameters == "" || e.RequestParameters == "null" {
		return nil
	}
	var m map[string]any
	if json.Unmarshal([]byte(e.RequestParameters), &m) != nil {
		return nil
	}
	return m
}

// get walks nested objects by key, exactly or ignoring case (request
// parameters mix camelCase and PascalCase); text renders a scalar.
var (
	get  = vigil.JSONGet
	text = vigil.JSONText
)

// list returns v as a list: a single value becomes a list of one.
func list(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// texts returns the scalar elements of v (a value or a list) as text.
func texts(v any) []string {
	var out []string
	for _, x := range list(v) {
		if s := text(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// flag reads a boolean that may be written as true/false or "true"/"false".
func flag(v any) (value, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(x)
		return b, err == nil
	}
	return false, false
}

// number reads a number that may be written as text.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

// succeeded reports whether the call did what it asked.
func succeeded(e *vigil.Event) bool { return e.ErrorCode == "" }

// owner returns the account the event happened in.
func owner(e *vigil.Event) string {
	if e.RecipientAccountID != "" {
		return e.RecipientAccountID
	}
	return e.UserIdentity.AccountID
}

// caller names who acted, for descriptions.
func caller(e *vigil.Event) string {
	if a := e.UserIdentity.ARN; a != "" {
		return a
	}
	if e.UserIdentity.Type != "" {
		return e.UserIdentity.Type + " " + e.UserIdentity.PrincipalID
	}
	return "an unknown principal"
}

// from describes where a call came from, for descriptions.
func from(e *vigil.Event) string {
	if e.SourceIPAddress == "" {
		return ""
	}
	return " from " + e.SourceIPAddress
}

// isRecon reports whether an API reads rather than changes: the list,
// describe and get calls GuardDuty's Recon types are about.
func isRecon(api string) bool {
	return strings.HasPrefix(api, "List") || strings.HasPrefix(api, "Describe") || strings.HasPrefix(api, "Get")
}

// accountOf returns the 12-digit account of an account ID or an IAM ARN
// ("arn:aws:iam::123456789012:root"), "" for anything else.
func accountOf(s string) string {
	if strings.HasPrefix(s, "arn:") {
		parts := strings.SplitN(s, ":", 6)
		if len(parts) < 6 {
			return ""
		}
		s = parts[4]
	}
	if len(s) != 12 {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	return s
}
