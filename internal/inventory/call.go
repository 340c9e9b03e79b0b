package inventory

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/aws/smithy-go"
)

// Op names one API call the way the AWS CLI and CloudMapper's collect
// layout name it: service "ec2", operation "describe-security-groups",
// and for per-resource calls the resource ("bucket name", "topic ARN").
type Op struct {
	Service   string // CLI service name: ec2, iam, s3, configservice, logs, …
	Operation string // CLI operation name: describe-security-groups
	Resource  string // per-resource calls: the resource id the file is named after
	// Permission is the IAM action the call needs; derived from Service and
	// Operation when empty ("ec2:DescribeSecurityGroups").
	Permission string
}

// cliToIAMPrefix maps CLI service names to IAM action prefixes where they
// differ.
var cliToIAMPrefix = map[string]string{
	"configservice": "config",
	"s3api":         "s3",
	"s3control":     "s3",
	"efs":           "elasticfilesystem",
}

// Action returns the IAM action the call needs.
func (o Op) Action() string {
	if o.Permission != "" {
		return o.Permission
	}
	prefix := o.Service
	if p, ok := cliToIAMPrefix[prefix]; ok {
		prefix = p
	}
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte(':')
	for _, w := range strings.Split(o.Operation, "-") {
		if w == "" {
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
		b.WriteString(w[1:])
	}
	return b.String()
}

// file returns the recording path of the call, relative to the recording
// folder: <region>/<service>-<operation>.json or, per resource,
// <region>/<service>-<operation>/<url-encoded resource>.
func (o Op) file(region string) string {
	name := o.Service + "-" + o.Operation
	if o.Service == "ec2" && o.Operation == "describe-regions" {
		return "describe-regions.json"
	}
	if o.Resource != "" {
		return filepath.Join(region, name, url.QueryEscape(o.Resource))
	}
	return filepath.Join(region, name+".json")
}

// CallError is a call that failed during collection.
type CallError struct {
	Permission string `json:"permission"` // IAM action: iam:GetAccountPasswordPolicy
	Region     string `json:"region,omitempty"`
	Resource   string `json:"resource,omitempty"`
	Code       string `json:"code"` // AccessDenied, NotCollected, …
	Message    string `json:"message,omitempty"`
}

func (e *CallError) Error() string {
	s := e.Permission
	if e.Resource != "" {
		s += " on " + e.Resource
	}
	if e.Region != "" {
		s += " in " + e.Region
	}
	if e.Message != "" {
		return fmt.Sprintf("%s: %s: %s", s, e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s", s, e.Code)
}

// Denied reports whether the error is a missing permission.
func (e *CallError) Denied() bool { return isDeniedCode(e.Code) }

// CodeNotCollected is the CallError code of a call a replayed recording
// does not hold.
const CodeNotCollected = "NotCollected"

// Reason is the text a check shows for a result it could not decide.
func (e *CallError) Reason() string {
	switch {
	case e.Code == CodeNotCollected:
		return fmt.Sprintf("not collected: %s was not recorded", e.Permission)
	case e.Denied():
		return fmt.Sprintf("missing permission %s (%s)", e.Permission, e.Code)
	default:
		return e.Error()
	}
}

func isDeniedCode(code string) bool {
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
		"UnauthorizedAccess", "Forbidden", "AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException":
		return true
	}
	return false
}

// ErrorCode returns the AWS error code of err ("" when it is not an API
// error).
func ErrorCode(err error) string {
	var ce *CallError
	if errors.As(err, &ce) {
		return ce.Code
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// IsCode reports whether err is an API error with one of codes.
func IsCode(err error, codes ...string) bool {
	c := ErrorCode(err)
	for _, x := range codes {
		if c == x {
			return true
		}
	}
	return false
}

// recorder writes calls in CloudMapper's collect layout; replayer reads
// them back.
type recorder struct {
	dir string
	mu  sync.Mutex
}

// Call runs one API call through s: live (and recorded when s records),
// or replayed from a recording. fn makes the call (paginating and merging
// pages into one output, as the AWS CLI does). Errors are *CallError.
func Call[T any](ctx context.Context, s *Scope, op Op, fn func(context.Context) (*T, error)) (*T, error) {
	region := s.APIRegion
	s.counter.add(op.Action())
	if s.replay != "" {
		out := new(T)
		err := replayInto(filepath.Join(s.replay, op.file(region)), out)
		if err != nil {
			return nil, s.callError(op, err)
		}
		return out, nil
	}
	if s.limit != nil {
		if err := s.limit.wait(ctx, op.Service); err != nil {
			return nil, err
		}
	}
	out, err := fn(ctx)
	if s.record != nil && ctx.Err() == nil {
		if rerr := s.record.write(op.file(region), out, err); rerr != nil {
			return out, rerr
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, s.callError(op, err)
	}
	return out, nil
}

func (s *Scope) callError(op Op, err error) *CallError {
	ce := &CallError{Permission: op.Action(), Region: s.APIRegion, Resource: op.Resource}
	var ae smithy.APIError
	var given *CallError
	switch {
	case errors.As(err, &given):
		return given
	case errors.As(err, &ae):
		ce.Code, ce.Message = ae.ErrorCode(), ae.ErrorMessage()
	case errors.Is(err, os.ErrNotExist):
		ce.Code = CodeNotCollected
	default:
		ce.Code, ce.Message = "Error", err.Error()
	}
	return ce
}

// write records one call. Errors are recorded as
// {"Error":{"Code":…,"Message":…}} — API errors with their code, other
// failures (an API the endpoint does not serve, a network error after the
// retries) with code "Error" — so a replay answers exactly as the live
// run did. A cancelled call is not recorded.
func (r *recorder) write(rel string, out any, callErr error) error {
	var body []byte
	if callErr != nil {
		code, msg := "Error", callErr.Error()
		var ae smithy.APIError
		if errors.As(callErr, &ae) {
			code, msg = ae.ErrorCode(), ae.ErrorMessage()
		}
		body, _ = json.MarshalIndent(map[string]any{"Error": map[string]string{"Code": code, "Message": msg}}, "", "    ")
	} else {
		b, err := CLIJSON(out)
		if err != nil {
			return fmt.Errorf("record %s: %w", rel, err)
		}
		body = b
	}
	path := filepath.Join(r.dir, rel)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("record %s: %w", rel, err)
	}
	if err := os.WriteFile(path, append(body, '\n'), 0o600); err != nil {
		return fmt.Errorf("record %s: %w", rel, err)
	}
	return nil
}

// policyKeys hold IAM policy documents, which the API returns URL-encoded
// and the AWS CLI prints decoded, as JSON objects.
var policyKeys = map[string]bool{"PolicyDocument": true, "AssumeRolePolicyDocument": true, "Document": true}

// CLIJSON renders an SDK output as the AWS CLI prints it with
// --output json: PascalCase members, no nulls, no response metadata, IAM
// policy documents decoded into objects, blobs in base64.
func CLIJSON(out any) ([]byte, error) {
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	v = cliClean(v, "")
	return json.MarshalIndent(v, "", "    ")
}

func cliClean(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			if k == "ResultMetadata" || y == nil {
				delete(x, k)
				continue
			}
			x[k] = cliClean(y, k)
		}
		return x
	case []any:
		for i := range x {
			x[i] = cliClean(x[i], "")
		}
		return x
	case string:
		if policyKeys[key] {
			if doc := PolicyDoc(x); doc != nil {
				return doc
			}
		}
	}
	return v
}

// awsCLIError matches the AWS CLI's error line: "An error occurred
// (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: …".
var awsCLIError = regexp.MustCompile(`An error occurred \(([^)]+)\) when calling the (\w+) operation(?: \(reached max retries: \d+\))?: ?(.*)`)

// replayInto reads a recorded call into out. A recorded error comes back
// as a smithy API error with its code.
func replayInto(path string, out any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	t := bytes.TrimSpace(b)
	if m := awsCLIError.FindSubmatch(t); m != nil && !bytes.HasPrefix(t, []byte("{")) {
		return &smithy.GenericAPIError{Code: string(m[1]), Message: string(bytes.TrimSpace(m[3]))}
	}
	var v any
	if err := json.Unmarshal(t, &v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if e, ok := m["Error"].(map[string]any); ok {
			code, _ := e["Code"].(string)
			msg, _ := e["Message"].(string)
			return &smithy.GenericAPIError{Code: code, Message: msg}
		}
	}
	v = replayClean(v, "")
	b, _ = json.Marshal(v)
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// replayClean undoes the AWS CLI's presentation: policy documents given
// as objects become JSON strings again, a credential report given as
// plain CSV becomes base64 as the API returns it.
func replayClean(v any, key string) any {
	if policyKeys[key] {
		if _, ok := v.(map[string]any); ok {
			b, _ := json.Marshal(v)
			return string(b)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			x[k] = replayClean(y, k)
		}
		return x
	case []any:
		for i := range x {
			x[i] = replayClean(x[i], "")
		}
		return x
	case string:
		if key == "Content" && !isBase64(x) {
			return base64.StdEncoding.EncodeToString([]byte(x))
		}
	}
	return v
}

func isBase64(s string) bool {
	if s == "" {
		return true
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '/' || r == '=' || r == '\n' || r == '\r') {
			return false
		}
	}
	_, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\n", "", "\r", "").Replace(s))
	return err == nil
}
