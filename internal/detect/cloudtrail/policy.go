package cloudtrail

import (
	"encoding/json"
	"strings"
)

// statement is one statement of an IAM policy document (a bucket policy,
// a role trust policy).
type statement struct {
	effect       string
	principal    any // "*" or {"AWS": ..., "Service": ..., ...}
	notPrincipal any
	actions      []string
	condition    map[string]any
}

// statements parses a policy given as a JSON object or as JSON text (IAM
// request parameters carry policies as text, S3's as objects).
func statements(v any) []statement {
	if s, ok := v.(string); ok {
		var doc any
		if json.Unmarshal([]byte(s), &doc) != nil {
			return nil
		}
		v = doc
	}
	var out []statement
	for _, x := range list(get(v, "Statement")) {
		m, ok := x.(map[string]any)
		if !ok {
			continue
		}
		st := statement{effect: text(get(m, "Effect")), principal: get(m, "Principal"), notPrincipal: get(m, "NotPrincipal"), actions: texts(get(m, "Action"))}
		st.condition, _ = get(m, "Condition").(map[string]any)
		out = append(out, st)
	}
	return out
}

func (s statement) allow() bool { return strings.EqualFold(s.effect, "Allow") }

// awsPrincipals returns the statement's AWS principals ("*" for anyone):
// Principal "*", {"AWS": "*"}, {"AWS": ["123456789012", "arn:..."]}.
func (s statement) awsPrincipals() []string {
	if text(s.principal) == "*" {
		return []string{"*"}
	}
	return texts(get(s.principal, "AWS"))
}

// grants reports whether the statement's actions include one of want
// (matched case-insensitively; "*" and "service:*" included).
func (s statement) grants(want ...string) bool {
	for _, a := range s.actions {
		for _, w := range want {
			if actionMatches(a, w) {
				return true
			}
		}
	}
	return false
}

func actionMatches(pattern, action string) bool {
	pattern, action = strings.ToLower(pattern), strings.ToLower(action)
	if pattern == "*" || pattern == action {
		return true
	}
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(action, p)
	}
	return false
}

// Who a wildcard principal effectively lets in.
type exposure int

const (
	exposureNone          exposure = iota // conditions restrict it to known principals or networks
	exposureAuthenticated                 // any authenticated AWS principal
	exposureAnonymous                     // anyone on the internet
)

// identityKeys are condition keys naming the calling principal.
var identityKeys = map[string]bool{
	"aws:principalorgid": true, "aws:principalorgpaths": true, "aws:principalaccount": true,
	"aws:principalarn": true, "aws:userid": true, "aws:username": true,
	"aws:principalservicename": true, "aws:principalisawsservice": true,
}

// sourceKeys are condition keys naming where a request comes from.
var sourceKeys = map[string]bool{
	"aws:sourceip": true, "aws:vpcsourceip": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
	"aws:sourceaccount": true, "aws:sourcearn": true, "aws:sourceowner": true,
	"aws:sourceorgid": true, "aws:sourceorgpaths": true,
	"s3:dataaccesspointaccount": true, "s3:dataaccesspointarn": true,
}

// wildcardExposure returns who an Allow statement with a wildcard
// principal lets in, given its conditions. A condition restricts when it
// requires (not "…IfExists", not negated) an identity or source key to
// match values that are not themselves wildcards. Conditions on anything
// else (aws:SecureTransport, aws:Referer, encryption headers) restrict
// nothing: AWS's own "public" definition treats them the same way. A
// condition requiring an identity key to exist ("Null": false), or to
// match only wildcards, limits the statement to authenticated principals.
func (s statement) wildcardExposure() exposure {
	level := exposureAnonymous
	for op, body := range s.condition {
		op = strings.ToLower(op)
		op = strings.TrimPrefix(strings.TrimPrefix(op, "forallvalues:"), "foranyvalue:")
		keys, ok := body.(map[string]any)
		if !ok || strings.HasSuffix(op, "ifexists") || strings.Contains(op, "not") {
			continue
		}
		for k, v := range keys {
			k = strings.ToLower(k)
			switch {
			case op == "null":
				if b, ok := flag(v); ok && !b && identityKeys[k] {
					level = min(level, exposureAuthenticated)
				}
			case identityKeys[k] || sourceKeys[k]:
				if !allWildcards(texts(v)) {
					return exposureNone
				}
				if identityKeys[k] {
					level = min(level, exposureAuthenticated)
				}
			}
		}
	}
	return level
}

// allWildcards reports whether every value matches any principal or
// source: "*", or an ARN whose account is a wildcard.
func allWildcards(vals []string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		if v == "*" {
			continue
		}
		parts := strings.SplitN(v, ":", 6)
		if len(parts) == 6 && strings.HasPrefix(v, "arn:") && (parts[4] == "*" || parts[4] == "") {
			continue
		}
		return false
	}
	return true
}
