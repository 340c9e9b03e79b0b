package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// runVigil runs one command line and returns its exit code and output.
func runVigil(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(t.Context(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDemoThenQuery(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runVigil(t, "demo", "--dir", dir, "--accounts", "2", "--days", "3", "--events-per-day", "300")
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	for _, want := range []string{"== 2. Ingesting", "-- RootLogin30Days", "-- CloudTrailTampering", "== Next"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	lk := filepath.Join(dir, "vigil-lake")

	// Re-running the demo ingests nothing new.
	_, out, _ = runVigil(t, "demo", "--dir", dir, "--accounts", "2", "--days", "3", "--events-per-day", "300")
	if !strings.Contains(out, "ingested 0 files, 0 events, 0 flow records") {
		t.Errorf("second demo run ingested again:\n%s", out)
	}

	code, out, stderr = runVigil(t, "query", "--lake", lk, "--format", "json", "--saved", "RootLogin30Days")
	if code != 0 {
		t.Fatalf("query exit %d: %s", code, stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if len(rows) == 0 {
		t.Fatal("RootLogin30Days found nothing in the demo organization")
	}
	for _, r := range rows {
		if !strings.HasSuffix(r["principal"].(string), ":root") {
			t.Errorf("non-root row %v", r)
		}
	}

	year := time.Now().UTC().AddDate(0, 0, -3).Format("2006")
	code, out, _ = runVigil(t, "query", "--lake", lk, "--format", "csv", "select count(*) as n from auditing.cloudtrail where date > '"+year+"'")
	if code != 0 || !strings.HasPrefix(out, "n\n") || strings.TrimSpace(strings.TrimPrefix(out, "n\n")) == "0" {
		t.Errorf("csv count: exit %d, %q", code, out)
	}
	code, out, _ = runVigil(t, "query", "--lake", lk, "--format", "jsonl", "select eventname, count(*) n from auditing.cloudtrail group by 1 order by 2 desc limit 3")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 3 {
		t.Errorf("jsonl: exit %d, %q", code, out)
	}
	code, out, _ = runVigil(t, "query", "--lake", lk, "select eventsource, count(*) n from auditing.cloudtrail group by 1 order by 2 desc limit 2")
	if code != 0 || !strings.Contains(out, "eventsource") || !strings.Contains(out, "(2 rows)") {
		t.Errorf("table: exit %d, %q", code, out)
	}
}

func TestQueryUsageErrors(t *testing.T) {
	lk := t.TempDir()
	for _, args := range [][]string{
		{"query", "--lake", lk, "--saved", "NoSuchQuery"},
		{"query", "--lake", lk, "--format", "xml", "select 1"},
		{"query", "--lake", lk},
		{"query", "select 1"},
		{"query", "--lake", lk, "--saved", "AccessKeyActivity"}, // required parameter missing
		{"ingest", "somewhere"},
		{"query", "--no-such-flag"},
		{"query", "--lake", filepath.Join(lk, "typo"), "select 1"},
		{"ingest", "--lake", lk},
		{"ingest", "--lake", lk, "--sqs-queue-url", "http://127.0.0.1:1/q"}, // needs --watch
		{"demo", "extra"},
	} {
		if code, _, stderr := runVigil(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d (%s), want %d", args, code, stderr, exitUsage)
		}
	}
	code, out, _ := runVigil(t, "query", "--list-saved")
	if code != 0 || !strings.Contains(out, "RootLogin30Days") || !strings.Contains(out, "AdminRoleLogin30Days") {
		t.Errorf("--list-saved: exit %d\n%s", code, out)
	}
	code, _, stderr := runVigil(t, "query", "--lake", lk, "select * from no_such_table")
	if code != exitInternal || !strings.Contains(stderr, "no_such_table") {
		t.Errorf("bad SQL: exit %d, %s", code, stderr)
	}
}

func TestIngestPartialFailureExitCode(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	good := `{"Records":[{"eventVersion":"1.08","eventTime":"2020-10-23T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","eventID":"e1","recipientAccountId":"111122223333"}]}`
	os.WriteFile(filepath.Join(src, "good.json"), []byte(good), 0o644)
	os.WriteFile(filepath.Join(src, "bad.json.gz"), []byte{0x1f, 0x8b, 8, 0, 0, 0}, 0o644)
	code, out, _ := runVigil(t, "ingest", "--lake", lk, src)
	if code != exitPartial || !strings.Contains(out, "bad.json.gz") || !strings.Contains(out, "ingested 1 files, 1 events, 0 flow records") {
		t.Errorf("exit %d, want %d; output:\n%s", code, exitPartial, out)
	}
	code, out, _ = runVigil(t, "ingest", "--lake", lk, "--json", src)
	var s map[string]any
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != exitPartial || s["failed"] != 1.0 || s["already_ingested"] != 1.0 {
		t.Errorf("--json: exit %d, %v, %s", code, err, out)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestIngestWatch(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	rec := func(id string) string {
		return `{"Records":[{"eventVersion":"1.08","eventTime":"2020-10-23T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","eventID":"` + id + `","recipientAccountId":"111122223333"}]}`
	}
	os.WriteFile(filepath.Join(src, "a.json"), []byte(rec("a")), 0o644)
	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"ingest", "--lake", lk, "--watch", "--interval", "50ms", src}, &out, &errOut)
	}()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("timed out waiting for %s; output:\n%s\n%s", what, out.String(), errOut.String())
			}
		}
	}
	waitFor("first file", func() bool { return strings.Contains(out.String(), "ingested 1 files, 1 events") })
	os.WriteFile(filepath.Join(src, "b.json"), []byte(rec("b")), 0o644)
	waitFor("second file", func() bool { return strings.Count(out.String(), "ingested 1 files, 1 events") == 2 })
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("watch exit %d: %s", code, errOut.String())
	}
	code, got, _ := runVigil(t, "query", "--lake", lk, "--format", "csv", "select count(*) as n, count(distinct eventid) as d from auditing.cloudtrail")
	if code != 0 || got != "n,d\n2,2\n" {
		t.Errorf("after watch: exit %d, %q", code, got)
	}
}

// TestIngestDetectsInline checks that ingest runs the detections in the
// same pass, that a re-run changes no count, and that --no-detect skips
// them.
func TestIngestDetectsInline(t *testing.T) {
	src := t.TempDir()
	rec := func(id, name string) string {
		return `{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},` +
			`"eventTime":"2020-10-23T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"` + name + `","awsRegion":"us-east-1",` +
			`"sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2","eventID":"` + id + `","eventType":"AwsApiCall","recipientAccountId":"111122223333"}`
	}
	p := filepath.Join(src, "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/111122223333_CloudTrail_us-east-1_20201023T1000Z_a.json")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte(`{"Records":[`+rec("e1", "ListUsers")+`,`+rec("e2", "ListRoles")+`]}`), 0o644)

	lk := t.TempDir()
	for i := 0; i < 2; i++ {
		code, out, stderr := runVigil(t, "ingest", "--lake", lk, src)
		if code != 0 || !strings.Contains(out, "findings: 1 in the lake") {
			t.Fatalf("run %d: exit %d: %s %s", i, code, out, stderr)
		}
	}
	code, out, _ := runVigil(t, "findings", "--lake", lk, "--format", "json")
	var fs []map[string]any
	if err := json.Unmarshal([]byte(out), &fs); code != 0 || err != nil || len(fs) != 1 {
		t.Fatalf("findings: exit %d, %v: %s", code, err, out)
	}
	if fs[0]["type"] != "Policy:IAMUser/RootCredentialUsage" || fs[0]["service"].(map[string]any)["count"] != 2.0 {
		t.Errorf("finding = %v", fs[0])
	}
	plain := t.TempDir()
	if code, out, _ := runVigil(t, "ingest", "--lake", plain, "--no-detect", src); code != 0 || strings.Contains(out, "findings:") {
		t.Errorf("--no-detect: exit %d: %s", code, out)
	}
}

func TestLakeCompact(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	for i, id := range []string{"a", "b", "c"} {
		p := filepath.Join(src, "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23", "111122223333_CloudTrail_us-east-1_20201023T1000Z_"+id+".json")
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(`{"Records":[{"eventVersion":"1.08","eventTime":"2020-10-23T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","eventID":"`+id+`","recipientAccountId":"111122223333"}]}`), 0o644)
		// One ingest per file, uncompacted: three small files in one partition.
		if code, out, _ := runVigil(t, "ingest", "--lake", lk, "--no-compact", "--no-detect", p); code != 0 {
			t.Fatalf("ingest %d: %s", i, out)
		}
	}
	glob := filepath.Join(lk, "cloudtrail/account=111122223333/region=us-east-1/date=2020-10-23/*.parquet")
	before, _ := filepath.Glob(glob)
	code, out, _ := runVigil(t, "lake", "compact", "--lake", lk)
	after, _ := filepath.Glob(glob)
	if code != 0 || len(before) != 3 || len(after) != 1 || !strings.Contains(out, "compacted 1 partitions") {
		t.Errorf("exit %d, files %d -> %d: %s", code, len(before), len(after), out)
	}
	if _, got, _ := runVigil(t, "query", "--lake", lk, "--format", "csv", "select count(*) n from auditing.cloudtrail"); got != "n\n3\n" {
		t.Errorf("after compaction: %q", got)
	}
}

// TestSigmaRules runs the Sigma test rules inline during ingest: a
// matching rule gives a finding, unusable rules are reported on stderr.
func TestSigmaRules(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	login := `{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},` +
		`"eventTime":"2020-10-23T10:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9",` +
		`"userAgent":"Mozilla/5.0","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"eventID":"login-1","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}]}`
	os.WriteFile(filepath.Join(src, "login.json"), []byte(login), 0o644)
	code, out, stderr := runVigil(t, "ingest", "--lake", lk, "--sigma", "../../internal/sigma/testdata/rules", src)
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	if !strings.Contains(stderr, "sigma rule not loaded") || !strings.Contains(stderr, "base64") {
		t.Errorf("unusable rules not reported:\n%s", stderr)
	}
	_, out, _ = runVigil(t, "findings", "--lake", lk, "--format", "json")
	if !strings.Contains(out, `"type": "Sigma:`) || !strings.Contains(out, "6a3f0d7e-2b9c-4f1e-8d5a-0c4b7e9f1a22") {
		t.Errorf("no Sigma finding for the root console login:\n%s", out)
	}
	if code, _, _ := runVigil(t, "detect", "--lake", lk, "--sigma", filepath.Join(lk, "none")); code != exitUsage {
		t.Errorf("missing --sigma folder: exit %d, want %d", code, exitUsage)
	}

	// A retro-hunt with Sigma rules decodes every column: a rule on a
	// field no built-in detection reads (additionalEventData) matches.
	rules, lk2 := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(rules, "no_mfa.yml"), []byte(`title: Console login without MFA
id: 0b1d7c52-3f7e-4a0c-9a57-5d2f7a0e9c31
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName: ConsoleLogin
    additionalEventData.MFAUsed: 'No'
  condition: selection
level: medium
`), 0o644)
	if code, out, stderr := runVigil(t, "ingest", "--lake", lk2, "--no-detect", src); code != 0 {
		t.Fatalf("ingest exit %d: %s %s", code, out, stderr)
	}
	if code, out, stderr := runVigil(t, "detect", "--lake", lk2, "--sigma", rules); code != 0 {
		t.Fatalf("detect exit %d: %s %s", code, out, stderr)
	}
	if _, out, _ = runVigil(t, "findings", "--lake", lk2, "--format", "json"); !strings.Contains(out, "0b1d7c52-3f7e-4a0c-9a57-5d2f7a0e9c31") {
		t.Errorf("no finding from the Sigma rule on additionalEventData in a retro-hunt:\n%s", out)
	}
}

// TestIngestFlowFormat reads headerless flow logs of a custom format.
func TestIngestFlowFormat(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	p := filepath.Join(src, "AWSLogs/111122223333/vpcflowlogs/us-east-1/2020/10/23/111122223333_vpcflowlogs_us-east-1_fl-1_20201023T1000Z_a.log")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("10.0.0.1 203.0.113.9 443 49152 6 1603447140 1603447200 ACCEPT vpc-1\n"), 0o644)
	format := "${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${start} ${end} ${action} ${vpc-id}"
	if code, out, stderr := runVigil(t, "ingest", "--lake", lk, "--no-detect", "--flow-format", format, src); code != 0 || !strings.Contains(out, "1 flow records") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	_, got, _ := runVigil(t, "query", "--lake", lk, "--format", "csv", `select srcaddr, dstport, "end", vpc_id, version is null v from auditing.flowlogs`)
	if got != "srcaddr,dstport,end,vpc_id,v\n10.0.0.1,49152,1603447200,vpc-1,true\n" {
		t.Errorf("flowlogs: %q", got)
	}
	if code, _, _ := runVigil(t, "ingest", "--lake", lk, "--flow-format", "${nope}", src); code != exitUsage {
		t.Errorf("bad --flow-format: exit %d, want %d", code, exitUsage)
	}
}

// TestCPUProfile: --cpu-profile (both spellings) writes a pprof profile
// (gzip) of the command; an unwritable path is a usage error.
func TestCPUProfile(t *testing.T) {
	dir := t.TempDir()
	for i, args := range [][]string{
		{"--cpu-profile", filepath.Join(dir, "a.prof"), "lake", "ddl", "--engine", "athena", "--location", "s3://bucket/prefix"},
		{"lake", "ddl", "--engine", "athena", "--location", "s3://bucket/prefix", "--cpu-profile=" + filepath.Join(dir, "b.prof")},
	} {
		code, _, stderr := runVigil(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, string(rune('a'+i))+".prof"))
		if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%v: profile %d bytes, %v", args, len(b), err)
		}
	}
	if code, _, _ := runVigil(t, "--cpu-profile", filepath.Join(dir, "no", "such", "dir", "c.prof"), "lake", "ddl"); code != exitUsage {
		t.Errorf("unwritable profile: exit %d, want %d", code, exitUsage)
	}
}

// TestBatchGC: batch commands collect at 3x the live heap unless GOGC
// says otherwise, and restore the setting after.
func TestBatchGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	t.Setenv("GOGC", "")
	restore := batchGC()
	if got := debug.SetGCPercent(200); got != 200 {
		t.Errorf("GC percent %d during a batch command, want 200", got)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent %d after, want 100 restored", got)
	}
	t.Setenv("GOGC", "50")
	restore = batchGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: GC percent changed to %d", got)
	}
	restore()
}
