package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/internal/vigil"
)

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func gzipBytes(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// fixtureLines returns the non-empty lines of a JSON-lines fixture.
func fixtureLines(tb testing.TB, name string) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, l := range bytes.Split(mustRead(tb, name), []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// readResult is what reading a whole input gives.
type readResult struct {
	Events []vigil.Event
	Errs   []error // record-level errors, in order
	End    error   // io.EOF or the sticky error
}

// readAll reads r to its end, keeping record errors and going on.
func readAll(tb testing.TB, in io.Reader) readResult {
	tb.Helper()
	r := NewReader(in)
	var res readResult
	for i := 0; ; i++ {
		if i > 1e7 {
			tb.Fatal("reader does not terminate")
		}
		var e vigil.Event
		err := r.Next(&e)
		switch {
		case err == nil:
			res.Events = append(res.Events, e)
		case errors.Is(err, vigil.ErrMalformedRecord) && !errors.Is(err, vigil.ErrMalformedInput):
			res.Errs = append(res.Errs, err)
		default:
			res.End = err
			return res
		}
	}
}

// splitRecords decodes a fixture holding a JSON array, or {"Records":[...]},
// into its records' raw JSON.
func splitRecords(tb testing.TB, data []byte) []json.RawMessage {
	tb.Helper()
	var recs []json.RawMessage
	if err := json.Unmarshal(data, &recs); err == nil {
		return recs
	}
	var f struct{ Records []json.RawMessage }
	if err := json.Unmarshal(data, &f); err != nil {
		tb.Fatal(err)
	}
	return f.Records
}

// checkAgainstStdlib checks the fields of e that an encoding/json decode of
// raw can tell without re-implementing the parser: scalars, raw JSON values
// (compared as JSON) and the identity.
func checkAgainstStdlib(tb testing.TB, raw []byte, e *vigil.Event) {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatal(err)
	}
	// encoding/json matches keys to struct fields case-insensitively;
	// look them up the same way.
	get := func(m map[string]any, key string) any {
		if v, ok := m[key]; ok {
			return v
		}
		for k, v := range m {
			if strings.EqualFold(k, key) {
				return v
			}
		}
		return nil
	}
	text := func(v any) string {
		switch v := v.(type) {
		case nil:
			return ""
		case string:
			return v
		case bool:
			if v {
				return "true"
			}
			return "false"
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	for key, got := range map[string]string{
		"eventVersion": e.EventVersion, "eventTime": e.EventTime, "eventSource": e.EventSource,
		"eventName": e.EventName, "awsRegion": e.AWSRegion, "sourceIPAddress": e.SourceIPAddress,
		"userAgent": e.UserAgent, "errorCode": e.ErrorCode, "errorMessage": e.ErrorMessage,
		"requestID": e.RequestID, "eventID": e.EventID, "readOnly": e.ReadOnly, "eventType": e.EventType,
		"managementEvent": e.ManagementEvent, "recipientAccountId": e.RecipientAccountID,
		"eventCategory": e.EventCategory, "sharedEventID": e.SharedEventID,
	} {
		want := text(get(m, key))
		if key == "readOnly" || key == "managementEvent" {
			want = boolText(want) // "True" and true both read "true"
		}
		if got != want {
			tb.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	for key, got := range map[string]string{
		"requestParameters": e.RequestParameters, "responseElements": e.ResponseElements,
		"additionalEventData": e.AdditionalEventData, "serviceEventDetails": e.ServiceEventDetails,
		"insightDetails": e.InsightDetails,
	} {
		want := get(m, key)
		if want == nil {
			if got != "" {
				tb.Errorf("%s = %q, want \"\"", key, got)
			}
			continue
		}
		var gotV any
		if err := json.Unmarshal([]byte(got), &gotV); err != nil {
			tb.Errorf("%s = %q: %v", key, got, err)
			continue
		}
		if !reflect.DeepEqual(gotV, want) {
			tb.Errorf("%s = %s, want %v", key, got, want)
		}
	}
	if ui, ok := get(m, "userIdentity").(map[string]any); ok {
		u := e.UserIdentity
		for key, got := range map[string]string{
			"type": u.Type, "principalId": u.PrincipalID, "arn": u.ARN, "accountId": u.AccountID,
			"invokedBy": u.InvokedBy, "accessKeyId": u.AccessKeyID, "userName": u.UserName,
		} {
			if want := text(get(ui, key)); got != want {
				tb.Errorf("userIdentity.%s = %q, want %q", key, got, want)
			}
		}
	}
	if rs, ok := get(m, "resources").([]any); ok && len(rs) != len(e.Resources) {
		tb.Errorf("%d resources, want %d", len(e.Resources), len(rs))
	}
}

// checkInvariants checks what must hold of any event ParseEvent accepts:
// every string is valid UTF-8, and raw JSON fields are "" or valid JSON
// (Extra a JSON object).
func checkInvariants(tb testing.TB, e *vigil.Event) {
	tb.Helper()
	walkStrings(reflect.ValueOf(e).Elem(), "Event", func(path, s string) {
		if !utf8.ValidString(s) {
			tb.Errorf("%s = %q: invalid UTF-8", path, s)
		}
	})
	for name, raw := range map[string]string{
		"RequestParameters": e.RequestParameters, "ResponseElements": e.ResponseElements,
		"AdditionalEventData": e.AdditionalEventData, "ServiceEventDetails": e.ServiceEventDetails,
		"EdgeDeviceDetails": e.EdgeDeviceDetails, "InsightDetails": e.InsightDetails, "Extra": e.Extra,
	} {
		if raw != "" && !json.Valid([]byte(raw)) {
			tb.Errorf("%s = %q: invalid JSON", name, raw)
		}
	}
	if e.Extra != "" && !strings.HasPrefix(e.Extra, "{") {
		tb.Errorf("Extra = %q: not an object", e.Extra)
	}
}

func walkStrings(v reflect.Value, path string, fn func(path, s string)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String())
	case reflect.Pointer:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, fn)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			walkStrings(v.Field(i), path+"."+v.Type().Field(i).Name, fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), path+"[]", fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			walkStrings(it.Key(), path+"{key}", fn)
			walkStrings(it.Value(), path+"{}", fn)
		}
	}
}

// extraMap decodes Event.Extra.
func extraMap(tb testing.TB, extra string) map[string]any {
	tb.Helper()
	if extra == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(extra), &m); err != nil {
		tb.Fatalf("Extra %q: %v", extra, err)
	}
	return m
}
