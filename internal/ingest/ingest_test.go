package ingest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-sec/vigil/internal/lake"
)

// ctFile describes a CloudTrail file to write in the S3 delivery layout.
type ctFile struct {
	org, account, region, day string // day YYYY/MM/DD
	n                         int    // events
	first                     int    // first event number, for unique ids
}

func (f ctFile) path(root string) string {
	dir := filepath.Join(root, "AWSLogs")
	if f.org != "" {
		dir = filepath.Join(dir, f.org)
	}
	dir = filepath.Join(dir, f.account, "CloudTrail", f.region, filepath.FromSlash(f.day))
	return filepath.Join(dir, fmt.Sprintf("%s_CloudTrail_%s_%s_%06d.json.gz", f.account, f.region, "20201023T1000Z", f.first))
}

func record(account, region, day string, i int) map[string]any {
	return map[string]any{
		"eventVersion": "1.08",
		"userIdentity": map[string]any{"type": "IAMUser", "principalId": "AIDA1", "arn": "arn:aws:iam::" + account + ":user/alice",
			"accountId": account, "accessKeyId": "AKIA1", "userName": "alice"},
		"eventTime":          day[:4] + "-" + day[5:7] + "-" + day[8:10] + "T10:00:00Z",
		"eventSource":        "ec2.amazonaws.com",
		"eventName":          "DescribeInstances",
		"awsRegion":          region,
		"sourceIPAddress":    "203.0.113.7",
		"userAgent":          "aws-cli/2",
		"requestParameters":  map[string]any{"maxResults": 5},
		"responseElements":   nil,
		"requestID":          fmt.Sprintf("req-%d", i),
		"eventID":            fmt.Sprintf("evt-%08d", i),
		"readOnly":           true,
		"eventType":          "AwsApiCall",
		"managementEvent":    true,
		"recipientAccountId": account,
		"eventCategory":      "Management",
	}
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeCT(t testing.TB, root string, f ctFile) string {
	t.Helper()
	var recs []map[string]any
	for i := 0; i < f.n; i++ {
		recs = append(recs, record(f.account, f.region, f.day, f.first+i))
	}
	b, err := json.Marshal(map[string]any{"Records": recs})
	if err != nil {
		t.Fatal(err)
	}
	p := f.path(root)
	writeFile(t, p, gz(t, b))
	return p
}

func writeFile(t testing.TB, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// countEvents returns the number of events and of distinct event ids.
func countEvents(t testing.TB, dir string) (n, distinct int64) {
	t.Helper()
	eng, err := lake.OpenEngine(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.Query(t.Context(), "select count(*), count(distinct eventid) from auditing.cloudtrail", 0)
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows[0][0].(int64), res.Rows[0][1].(int64)
}

func ingestDir(t testing.TB, lakeDir string, roots ...string) (Stats, error) {
	t.Helper()
	l, err := lake.Open(lakeDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return Dir(t.Context(), l, roots, Options{Compact: true, CommitEvents: 50})
}

func TestIngestIncremental(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	writeCT(t, src, ctFile{account: "111122223333", region: "us-east-1", day: "2020/10/22", n: 30, first: 0})
	writeCT(t, src, ctFile{account: "111122223333", region: "us-east-1", day: "2020/10/22", n: 30, first: 30})
	writeCT(t, src, ctFile{org: "o-abcdefghij", account: "444455556666", region: "eu-west-1", day: "2020/10/24", n: 20, first: 60})
	// A digest file and another service's logs are not CloudTrail records.
	writeFile(t, filepath.Join(src, "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2020/10/22/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20201022T000000Z.json.gz"), gz(t, []byte(`{"awsAccountId":"111122223333","digestStartTime":"x","logFiles":[]}`)))
	// Flow logs in the same bucket go to their own table, Config's files to
	// theirs; other services' files (Config's writability check) are ignored.
	writeFile(t, filepath.Join(src, "AWSLogs/111122223333/vpcflowlogs/us-east-1/2020/10/22/111122223333_vpcflowlogs_us-east-1_fl-1_20201022T0000Z_abc.log.gz"), gz(t, []byte(
		"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"+
			"2 111122223333 eni-1 10.0.0.1 203.0.113.9 443 49152 6 10 840 1603324800 1603324860 ACCEPT OK\n"+
			"2 111122223333 eni-1 - - - - - - - 1603324800 1603324860 - NODATA\n")))
	writeFile(t, filepath.Join(src, "AWSLogs/111122223333/Config/us-east-1/2020/10/22/ConfigSnapshot/x.json.gz"), gz(t, []byte(`{"fileVersion":"1.0","configSnapshotId":"s1","configurationItems":[]}`)))
	writeFile(t, filepath.Join(src, "AWSLogs/111122223333/Config/ConfigWritabilityCheckFile"), []byte("x"))

	s, err := ingestDir(t, lk, src)
	if err != nil {
		t.Fatalf("ingest: %v (%+v)", err, s)
	}
	if s.Files != 5 || s.Events != 80 || s.FlowRecords != 2 || s.ConfigItems != 0 || s.Digests != 1 || s.Ignored != 1 {
		t.Errorf("first run stats = %+v", s)
	}
	if n, d := countEvents(t, lk); n != 80 || d != 80 {
		t.Errorf("events = %d (%d distinct), want 80", n, d)
	}
	// The two small files of one partition were compacted into one.
	files, _ := filepath.Glob(filepath.Join(lk, "cloudtrail/account=111122223333/region=us-east-1/date=2020-10-22/*.parquet"))
	if len(files) != 1 {
		t.Errorf("partition files = %v, want 1 after compaction", files)
	}

	s, err = ingestDir(t, lk, src)
	if err != nil || s.Files != 0 || s.AlreadyDone != 5 || s.Events != 0 {
		t.Errorf("second run: %v %+v, want nothing new", err, s)
	}
	writeCT(t, src, ctFile{account: "111122223333", region: "us-east-1", day: "2020/10/23", n: 5, first: 100})
	s, err = ingestDir(t, lk, src)
	if err != nil || s.Files != 1 || s.Events != 5 {
		t.Errorf("third run: %v %+v, want the one new file", err, s)
	}
	if n, d := countEvents(t, lk); n != 85 || d != 85 {
		t.Errorf("events = %d (%d distinct), want 85", n, d)
	}
	eng, err := lake.OpenEngine(t.Context(), lk)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.Query(t.Context(), `select count(*), count(srcaddr), sum(bytes), min(account), min(date), min(log_status) from auditing.flowlogs`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Rows[0]); got != "[2 1 840 111122223333 2020-10-22 NODATA]" {
		t.Errorf("flowlogs = %s", got)
	}
}

func TestIngestBadInputs(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	good := writeCT(t, src, ctFile{account: "111122223333", region: "us-east-1", day: "2020/10/22", n: 10, first: 0})
	whole, _ := os.ReadFile(good)
	trunc := ctFile{account: "111122223333", region: "us-east-1", day: "2020/10/22", n: 10, first: 1000}
	writeFile(t, trunc.path(src), whole[:len(whole)/2])
	writeFile(t, filepath.Join(src, "notes", "readme.txt"), []byte("these are not CloudTrail records\n"))
	rec := record("111122223333", "us-east-1", "2020/10/25", 500)
	b, _ := json.Marshal(map[string]any{"Records": []any{1, rec, "x"}})
	writeFile(t, filepath.Join(src, "misc", "mixed.json"), b)

	s, err := ingestDir(t, lk, src)
	if !errors.Is(err, ErrSomeInputsFailed) {
		t.Fatalf("err = %v, want ErrSomeInputsFailed", err)
	}
	if s.Failed != 2 || s.BadRecords != 2 || s.Events != 11 || s.Files != 2 {
		t.Errorf("stats = %+v, want 2 failed inputs, 2 bad records (the non-objects), 11 events", s)
	}
	names := map[string]bool{}
	for _, e := range s.Errors {
		names[filepath.Base(e.File)] = true
		if e.Error == "" {
			t.Errorf("error without reason: %+v", e)
		}
	}
	for _, want := range []string{filepath.Base(trunc.path(src)), "readme.txt", "mixed.json"} {
		if !names[want] {
			t.Errorf("errors %+v do not name %s", s.Errors, want)
		}
	}
	if n, _ := countEvents(t, lk); n != 11 {
		t.Errorf("events in lake = %d, want 11", n)
	}
	// Failed inputs are retried (and fail again); good ones are not redone.
	s, err = ingestDir(t, lk, src)
	if !errors.Is(err, ErrSomeInputsFailed) || s.Failed != 2 || s.Events != 0 || s.AlreadyDone != 2 {
		t.Errorf("re-run: %v %+v", err, s)
	}
}

func TestIngestTransitGatewayFlowLogs(t *testing.T) {
	src, lk := t.TempDir(), t.TempDir()
	tgw, err := os.ReadFile("../flowlogs/testdata/tgw_flowlog.log")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(src, "AWSLogs/123456789012/vpcflowlogs/us-east-1/2023/11/14/123456789012_vpcflowlogs_us-east-1_fl-1_20231114T2210Z_abc.log.gz"), gz(t, tgw))
	if s, err := ingestDir(t, lk, src); err != nil || s.FlowRecords != 1 {
		t.Fatalf("ingest: %v %+v", err, s)
	}
	eng, err := lake.OpenEngine(t.Context(), lk)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.Query(t.Context(), `select resource_type, tgw_id, tgw_dst_eni, packets_lost_blackhole, srcaddr, bytes, interface_id is null from auditing.flowlogs`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Rows); got != "[[TransitGateway tgw-0123456789abcdef0 eni-0fedcba9876543210 0 10.0.1.10 1500 true]]" {
		t.Errorf("rows = %s", got)
	}
}
