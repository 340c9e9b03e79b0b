package cloudtrail

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// indent pretty-prints JSON as `jq .` would.
func indent(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// checkFixtureEvents checks that events are the five records of
// records_s3.json.
func checkFixtureEvents(t *testing.T, events []vigil.Event) {
	t.Helper()
	recs := splitRecords(t, mustRead(t, "records_s3.json"))
	if len(events) != len(recs) {
		t.Fatalf("%d events, want %d", len(events), len(recs))
	}
	for i := range events {
		checkInvariants(t, &events[i])
		checkAgainstStdlib(t, recs[i], &events[i])
		if want := wantFixtureEvents[i]; want != nil {
			if diff := cmp.Diff(*want, compactRaw(t, events[i])); diff != "" {
				t.Errorf("event %d (-want +got):\n%s", i, diff)
			}
		}
	}
}

// compactRaw returns e with its raw JSON fields compacted, so that events
// read from pretty-printed input compare equal to those read from compact
// input.
func compactRaw(tb testing.TB, e vigil.Event) vigil.Event {
	tb.Helper()
	for _, p := range []*string{&e.RequestParameters, &e.ResponseElements, &e.AdditionalEventData,
		&e.ServiceEventDetails, &e.EdgeDeviceDetails, &e.InsightDetails, &e.Extra} {
		if *p == "" {
			continue
		}
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(*p)); err != nil {
			tb.Fatalf("%q: %v", *p, err)
		}
		*p = b.String()
	}
	return e
}

func TestReaderFormats(t *testing.T) {
	s3 := mustRead(t, "records_s3.json")
	lines := mustRead(t, "records.jsonl")
	recs := splitRecords(t, s3)

	var bare, pretty, cwl bytes.Buffer
	bare.WriteString("[")
	for i, r := range recs {
		if i > 0 {
			bare.WriteString(",")
		}
		bare.Write(r)
		pretty.Write(indent(t, r))
		pretty.WriteString("\n")
	}
	bare.WriteString("]")
	// Firehose writes each CloudWatch Logs subscription message gzipped as
	// CloudWatch Logs sent it: the object is a series of gzip members.
	sub := mustRead(t, "cwl_subscription.json")
	for len(sub) > 0 {
		sc := scanner{s: string(sub)}
		end, err := sc.skip(0, 0)
		if err != nil {
			t.Fatal(err)
		}
		cwl.Write(gzipBytes(t, sub[:end]))
		sub = sub[end:]
	}

	for _, tc := range []struct {
		name string
		in   []byte
		gzip bool
	}{
		{"S3 gzip", gzipBytes(t, s3), true},
		{"S3 plain", s3, false},
		{"S3 pretty-printed", indent(t, s3), false},
		{"S3 with BOM", append([]byte(bom), s3...), false},
		{"S3 lower-case records key", bytes.Replace(s3, []byte(`"Records"`), []byte(`"records"`), 1), false},
		{"S3 keys around Records", append(append([]byte(`{"comment":{"a":[1,"]"]},"Records":`), s3[len(`{"Records":`):len(s3)-1]...), `,"trailer":"}"}`...), false},
		{"bare array", bare.Bytes(), false},
		{"bare array pretty-printed", indent(t, bare.Bytes()), false},
		{"JSON lines", lines, false},
		{"JSON lines CRLF", bytes.ReplaceAll(lines, []byte("\n"), []byte("\r\n")), false},
		{"JSON lines without final newline", bytes.TrimSuffix(lines, []byte("\n")), false},
		{"JSON lines with blank lines", bytes.ReplaceAll(lines, []byte("\n"), []byte("\n\n  \n")), false},
		{"JSON lines gzip", gzipBytes(t, lines), true},
		{"pretty-printed records in a row", pretty.Bytes(), false},
		{"CloudWatch Logs export", mustRead(t, "cloudwatch_export.txt"), false},
		{"CloudWatch Logs export gzip", gzipBytes(t, mustRead(t, "cloudwatch_export.txt")), true},
		{"CloudWatch Logs subscription", mustRead(t, "cwl_subscription.json"), false},
		{"CloudWatch Logs subscription via Firehose", cwl.Bytes(), true},
	} {
		for _, rd := range []struct {
			name string
			wrap func(io.Reader) io.Reader
		}{
			{"", func(r io.Reader) io.Reader { return r }},
			{"/one byte reads", iotest.OneByteReader},
			{"/half reads", iotest.HalfReader},
		} {
			t.Run(tc.name+rd.name, func(t *testing.T) {
				var in io.Reader = bytes.NewReader(tc.in)
				if tc.gzip {
					zr, err := gzip.NewReader(in)
					if err != nil {
						t.Fatal(err)
					}
					in = zr
				}
				res := readAll(t, rd.wrap(in))
				if res.End != io.EOF || len(res.Errs) > 0 {
					t.Fatalf("end %v, record errors %v", res.End, res.Errs)
				}
				checkFixtureEvents(t, res.Events)
			})
		}
	}
}

func TestReaderStratus(t *testing.T) {
	for _, fixture := range []string{
		"stratus-dns-delete-logs.json",
		"stratus-iam-create-user-login-profile.json",
		"stratus-ec2-launch-unusual-instances.json",
	} {
		t.Run(fixture, func(t *testing.T) {
			data := mustRead(t, fixture)
			recs := splitRecords(t, data)
			res := readAll(t, bytes.NewReader(data))
			if res.End != io.EOF || len(res.Errs) > 0 {
				t.Fatalf("end %v, record errors %v", res.End, res.Errs)
			}
			if len(res.Events) != len(recs) {
				t.Fatalf("%d events, want %d", len(res.Events), len(recs))
			}
			for i := range recs {
				checkAgainstStdlib(t, recs[i], &res.Events[i])
			}
		})
	}
}

func TestReaderInsight(t *testing.T) {
	zr, err := gzip.NewReader(bytes.NewReader(gzipBytes(t, mustRead(t, "insight_s3.json"))))
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, zr)
	if res.End != io.EOF || len(res.Errs) > 0 || len(res.Events) != 1 {
		t.Fatalf("events %d, end %v, record errors %v", len(res.Events), res.End, res.Errs)
	}
	if e := res.Events[0]; e.EventType != "AwsCloudTrailInsight" || !strings.Contains(e.InsightDetails, `"insightType":"ApiCallRateInsight"`) {
		t.Errorf("event = %+v", e)
	}
}

func TestReaderDigest(t *testing.T) {
	digest := mustRead(t, "digest.json")
	for name, in := range map[string][]byte{
		"as delivered":     digest,
		"pretty-printed":   indent(t, digest),
		"trailing newline": append(digest, '\n'),
	} {
		t.Run(name, func(t *testing.T) {
			r := NewReader(bytes.NewReader(in))
			for i := 0; i < 3; i++ {
				var e vigil.Event
				if err := r.Next(&e); !errors.Is(err, ErrDigest) {
					t.Fatalf("call %d: Next = %v, want ErrDigest", i, err)
				}
			}
		})
	}
}

func TestReaderEOF(t *testing.T) {
	for _, in := range []string{"", " \n\t\r\n", `{"Records":[]}`, "{\n  \"Records\": [ ]\n}\n", `[]`, `[ ]`,
		`{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1603447080000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}`,
		`{"messageType":"CONTROL_MESSAGE"}`, bom,
	} {
		r := NewReader(strings.NewReader(in))
		for i := 0; i < 2; i++ {
			var e vigil.Event
			if err := r.Next(&e); err != io.EOF {
				t.Errorf("%q: call %d: Next = %v, want io.EOF", in, i, err)
			}
		}
	}
}

// recordLine returns a one-line record named name.
func recordLine(name string) string {
	return `{"eventVersion":"1.08","eventTime":"2020-10-23T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"` + name + `","awsRegion":"us-east-1","readOnly":true}`
}

func TestReaderRecordErrors(t *testing.T) {
	a, b, c := recordLine("A"), recordLine("B"), recordLine("C")
	for _, tc := range []struct {
		name   string
		in     string
		events []string // event names
		errs   []string // positions the errors name, in order
	}{
		{"array: number then record", `[1, ` + a + `]`, []string{"A"}, []string{"record 1:"}},
		{"array: non-objects", `[` + a + `, "x", null, [` + b + `], true, ` + c + `]`, []string{"A", "C"}, []string{"record 2:", "record 3:", "record 4:", "record 5:"}},
		{"Records: broken record", `{"Records":[` + a + `,{"eventName":tru},` + c + `]}`, []string{"A", "C"}, []string{"record 2:"}},
		{"Records: bad escape", `{"Records":[` + a + `,{"eventName":"\q"},` + c + `]}`, []string{"A", "C"}, []string{"record 2:"}},
		{"JSON lines: second line broken", a + "\n" + `{"eventName":"B",}` + "\n" + c + "\n", []string{"A", "C"}, []string{"line 2:"}},
		{"JSON lines: first line broken", `{"eventName":"A" "x"}` + "\n" + b + "\n" + c + "\n", []string{"B", "C"}, []string{"line 1:"}},
		{"JSON lines: first line truncated", `{"eventVersion":"1.08","eventName":"A` + "\n" + b + "\n" + c + "\n", []string{"B", "C"}, []string{"line 1:"}},
		{"JSON lines: first line truncated after a number", `{"eventVersion":1.08` + "\n" + b + "\n", []string{"B"}, []string{"line 1:"}},
		{"JSON lines: last line truncated", a + "\n" + b + "\n" + `{"eventName":"C`, []string{"A", "B"}, []string{"line 3:"}},
		{"JSON lines: garbage line", a + "\nnot json\n" + c + "\n", []string{"A", "C"}, []string{"line 2:"}},
		{"JSON lines: array line", a + "\n[1]\n" + c + "\n", []string{"A", "C"}, []string{"line 2:"}},
		{"JSON lines: blank lines counted", a + "\n\n\n" + `{"x":}` + "\n\n" + `{"y":}` + "\n" + c, []string{"A", "C"}, []string{"line 4:", "line 6:"}},
		{"JSON lines CRLF", a + "\r\n" + `{"x":}` + "\r\n" + c + "\r\n", []string{"A", "C"}, []string{"line 2:"}},
		{"CloudWatch export: broken line", "2020-10-23T10:00:00.000Z " + a + "\n2020-10-23T10:00:01.000Z {\"eventName\":}\n2020-10-23T10:00:02.000Z " + c + "\n", []string{"A", "C"}, []string{"line 2:"}},
		{"CloudWatch export: line without record", "2020-10-23T10:00:00.000Z " + a + "\n2020-10-23T10:00:01.000Z\n2020-10-23T10:00:02.000Z " + c + "\n", []string{"A", "C"}, []string{"line 2:"}},
		{"subscription: message not JSON", `{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":` + jsonString(a) + `},{"id":"2","message":"hello"},{"id":"3"},{"id":"4","message":` + jsonString(c) + `}]}`, []string{"A", "C"}, []string{"record 2:", "record 3:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := readAll(t, strings.NewReader(tc.in))
			if res.End != io.EOF {
				t.Fatalf("end = %v, want io.EOF", res.End)
			}
			var names []string
			for _, e := range res.Events {
				names = append(names, e.EventName)
			}
			if diff := cmp.Diff(tc.events, names); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			var errs []string
			for _, err := range res.Errs {
				msg := err.Error()
				if i := strings.Index(msg, ":"); i >= 0 {
					msg = msg[:i+1]
				}
				errs = append(errs, msg)
			}
			if diff := cmp.Diff(tc.errs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nerrors: %v", diff, res.Errs)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestReaderInputErrors(t *testing.T) {
	a := recordLine("A")
	for _, tc := range []struct {
		name   string
		in     string
		events int // decoded before the error
	}{
		{"truncated in a record", `{"Records":[` + a + `,{"eventV`, 1},
		{"truncated after a comma", `{"Records":[` + a + `,`, 1},
		{"truncated before the array's end", `{"Records":[` + a, 1},
		{"truncated before the object's end", `{"Records":[` + a + `]`, 1},
		{"truncated in a key", `{"Reco`, 0},
		{"truncated bare array", `[` + a + `,` + a[:20], 1},
		{"truncated pretty record", "{\n  \"eventName\": \"A\",\n", 0},
		{"garbage", "garbage", 0},
		{"garbage lines", "hello\nworld\n", 0},
		{"compressed data not decompressed", string(gzipBytes(t, []byte(`{"Records":[`+a+`]}`))), 0},
		{"binary", "\x00\x01\x02{\"eventName\":\"A\"}", 0},
		{"brace in an array", `[}`, 0},
		{"brace in Records", `{"Records":[` + a + `,}]}`, 1},
		{"garbage after Records", `{"Records":[` + a + `] x}`, 1},
		{"extra key without value after Records", `{"Records":[` + a + `],"x"}`, 1},
		{"record with trailing brace in Records", `{"Records":[{"eventName":"A"}}, ` + a + `]}`, 1},
		{"bad key", `{Records:[]}`, 0},
		{"missing colon", `{"Records" []}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.in))
			var e vigil.Event
			var err error
			n := 0
			for i := 0; i < len(tc.in)+10; i++ {
				if err = r.Next(&e); err == nil {
					n++
					continue
				}
				if !errors.Is(err, vigil.ErrMalformedRecord) || errors.Is(err, vigil.ErrMalformedInput) {
					break
				}
			}
			if !errors.Is(err, vigil.ErrMalformedInput) {
				t.Fatalf("Next = %v, want ErrMalformedInput", err)
			}
			if n != tc.events {
				t.Errorf("%d events before the error, want %d", n, tc.events)
			}
			for i := 0; i < 3; i++ { // sticky
				if err2 := r.Next(&e); err2 != err {
					t.Fatalf("Next after %v = %v, want the same error", err, err2)
				}
			}
		})
	}
}

// TestReaderIOError: an I/O error from the underlying reader ends
// the input, wraps the cause, and is sticky.
func TestReaderIOError(t *testing.T) {
	boom := errors.New("boom")
	in := io.MultiReader(strings.NewReader(`{"Records":[`+recordLine("A")+`,`), iotest.ErrReader(boom))
	r := NewReader(in)
	var e vigil.Event
	if err := r.Next(&e); err != nil || e.EventName != "A" {
		t.Fatalf("Next = %v, %q", err, e.EventName)
	}
	err := r.Next(&e)
	if !errors.Is(err, boom) || !errors.Is(err, vigil.ErrMalformedInput) {
		t.Fatalf("Next = %v, want boom wrapped in ErrMalformedInput", err)
	}
	if err2 := r.Next(&e); err2 != err {
		t.Fatalf("Next = %v, want sticky %v", err2, err)
	}
}

func TestReaderHugeRecord(t *testing.T) {
	rec := hugeRecord(5 << 20)
	small := recordLine("B")
	for name, in := range map[string][]byte{
		"Records":    []byte(`{"Records":[` + string(rec) + `,` + small + `]}`),
		"JSON lines": []byte(string(rec) + "\n" + small + "\n"),
		"pretty":     append(indent(t, rec), small...),
		"CloudWatch export": []byte("2020-10-23T10:00:00.000Z " + string(rec) + "\n" +
			"2020-10-23T10:00:01.000Z " + small + "\n"),
	} {
		t.Run(name, func(t *testing.T) {
			res := readAll(t, bytes.NewReader(in))
			if res.End != io.EOF || len(res.Errs) > 0 || len(res.Events) != 2 {
				t.Fatalf("%d events, end %v, record errors %v", len(res.Events), res.End, res.Errs)
			}
			if e := res.Events[0]; e.EventName != "PutBucketPolicy" || len(e.RequestParameters) < 5<<20-1<<10 || !json.Valid([]byte(e.RequestParameters)) {
				t.Errorf("huge event: %q, %d bytes of requestParameters", e.EventName, len(e.RequestParameters))
			}
			if res.Events[1].EventName != "B" {
				t.Errorf("second event %q", res.Events[1].EventName)
			}
		})
	}
}

func TestReaderPosition(t *testing.T) {
	r := NewReader(strings.NewReader(`{"Records":[` + recordLine("A") + `,` + recordLine("B") + `]}`))
	var e vigil.Event
	for _, want := range []string{"record 1", "record 2"} {
		if err := r.Next(&e); err != nil {
			t.Fatal(err)
		}
		if got := r.Position(); got != want {
			t.Errorf("Position = %q, want %q", got, want)
		}
	}
	r = NewReader(strings.NewReader(recordLine("A") + "\n\n" + recordLine("B") + "\n"))
	for _, want := range []string{"line 1", "line 3"} {
		if err := r.Next(&e); err != nil {
			t.Fatal(err)
		}
		if got := r.Position(); got != want {
			t.Errorf("Position = %q, want %q", got, want)
		}
	}
}

// writeRecords writes a {"Records":[...]} file of n realistic records.
func writeRecords(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"Records":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			bw.WriteByte(',')
		}
		fmt.Fprintf(bw, `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:session-%d","arn":"arn:aws:sts::111122223333:assumed-role/app/session-%d","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE%08d","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEROLEID","arn":"arn:aws:iam::111122223333:role/app","accountId":"111122223333","userName":"app"},"webIdFederationData":{},"attributes":{"creationDate":"2020-10-23T09:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2020-10-23T10:%02d:%02dZ","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"10.0.%d.%d","userAgent":"[aws-sdk-go/1.35.7 (go1.15.2; linux; amd64)]","requestParameters":{"bucketName":"example-data-bucket","Host":"example-data-bucket.s3.us-east-1.amazonaws.com","key":"data/part-%06d.parquet"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","bytesTransferredOut":%d},"requestID":"REQ%013d","eventID":"00000000-0000-4000-8000-%012d","readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::example-data-bucket/data/part-%06d.parquet"},{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::example-data-bucket"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data","tlsDetails":{"tlsVersion":"TLSv1.2","cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","clientProvidedHostHeader":"example-data-bucket.s3.us-east-1.amazonaws.com"}}`,
			i, i, i, i/60%60, i%60, i/256%256, i%256, i, 1000+i, i, i, i)
	}
	bw.WriteString(`]}`)
	return bw.Flush()
}

// TestReaderConstantMemory streams a 200k-record file, never held in
// memory, and checks that the heap stays small while reading. It is a
// sanity bound, not a timed assertion.
func TestReaderConstantMemory(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeRecords(pw, n)) }()
	defer pr.Close()

	// Other tests leave garbage behind: measure from a collected heap.
	const limit = 64 << 20
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var maxInuse uint64
	r := NewReader(pr)
	var e vigil.Event
	count := 0
	for {
		err := r.Next(&e)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("record %d: %v", count+1, err)
		}
		count++
		if count%10_000 == 0 {
			runtime.ReadMemStats(&ms)
			maxInuse = max(maxInuse, ms.HeapInuse)
			if ms.HeapInuse > base+limit {
				t.Fatalf("HeapInuse %d MiB after %d records (%d MiB before), want < %d MiB more", ms.HeapInuse>>20, count, base>>20, limit>>20)
			}
		}
	}
	if count != n {
		t.Fatalf("%d records, want %d", count, n)
	}
	if want := fmt.Sprintf("00000000-0000-4000-8000-%012d", n-1); e.EventID != want {
		t.Errorf("last EventID %q, want %q", e.EventID, want)
	}
	t.Logf("%d records, max HeapInuse %.1f MiB (%.1f MiB before)", count, float64(maxInuse)/(1<<20), float64(base)/(1<<20))
}

func FuzzReader(f *testing.F) {
	for _, name := range []string{
		"records_s3.json", "records.jsonl", "cloudwatch_export.txt", "cwl_subscription.json",
		"insight_s3.json", "digest.json", "edge_cases.jsonl", "unicode.jsonl", "stratus-dns-delete-logs.json",
	} {
		f.Add(mustRead(f, name))
	}
	a := recordLine("A")
	for _, s := range []string{
		"", "[}", `[1, ` + a + `]`, `{"Records":[` + a + `,{"eventV`, `{"Records":[` + a + `] x}`,
		`{"eventName":"A" "x"}` + "\n" + a + "\n", `{"eventVersion":"1.08","eventName":"A` + "\n" + a + "\n",
		"garbage", bom + a, `{"messageType":"CONTROL_MESSAGE"}` + a,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := fuzzRead(t, bytes.NewReader(data), len(data))
		// How the input arrives must not change what is read.
		if small := fuzzRead(t, iotest.OneByteReader(bytes.NewReader(data)), len(data)); !slices.Equal(got, small) {
			t.Fatalf("reads differ with one-byte reads:\n%s", cmp.Diff(got, small))
		}
	})
}

// fuzzRead reads r to its end, checks the Reader's contract on the way,
// and returns a trace of events and errors.
func fuzzRead(t *testing.T, in io.Reader, size int) []string {
	r := NewReader(in)
	var trace []string
	for i := 0; ; i++ {
		// Every call that does not end the input consumes at least one
		// byte.
		if i > size+10 {
			t.Fatalf("%d calls to Next on %d bytes", i, size)
		}
		var e vigil.Event
		err := r.Next(&e)
		if err == nil {
			checkInvariants(t, &e)
			b, err := json.Marshal(e) // follows pointers, unlike %+v
			if err != nil {
				t.Fatal(err)
			}
			trace = append(trace, string(b))
			continue
		}
		trace = append(trace, err.Error())
		if errors.Is(err, vigil.ErrMalformedRecord) && !errors.Is(err, vigil.ErrMalformedInput) {
			continue
		}
		if err != io.EOF && !errors.Is(err, ErrDigest) && !errors.Is(err, vigil.ErrMalformedInput) {
			t.Fatalf("Next = %v: not EOF, ErrDigest, a record or an input error", err)
		}
		if err2 := r.Next(&e); err2 != err {
			t.Fatalf("Next after %v = %v, want it sticky", err, err2)
		}
		return trace
	}
}
