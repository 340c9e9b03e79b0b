package lake

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/catalog"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// detectLake ingests the attack recordings and a busy root user (150
// calls over three days) into a lake, runs every detection over it with
// ScanCloudTrail, and stores the findings.
func detectLake(t *testing.T) (string, []vigil.Finding) {
	t.Helper()
	var events []vigil.Event
	var parts []vigil.Partition
	files, _ := filepath.Glob("../detect/catalog/testdata/attack-recordings/*.json")
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		r := cloudtrail.NewReader(f)
		for {
			var e vigil.Event
			if err := r.Next(&e); err != nil {
				break
			}
			p, _ := cloudtrail.EventPartition(&e)
			events, parts = append(events, e), append(parts, p)
		}
		f.Close()
	}
	for i := range 150 {
		ts := time.Date(2024, 5, 1, 23, 0, 0, 0, time.UTC).Add(time.Duration(i) * 20 * time.Minute)
		e := vigil.Event{EventVersion: "1.09", EventID: fmt.Sprintf("root-%03d", i), EventTime: ts.Format(time.RFC3339),
			EventSource: "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: "us-east-1", SourceIPAddress: "198.51.100.7",
			UserAgent: "aws-cli/2.15.0", EventType: "AwsApiCall", RecipientAccountID: "111122223333",
			UserIdentity: vigil.UserIdentity{Type: "Root", ARN: "arn:aws:iam::111122223333:root", AccountID: "111122223333", PrincipalID: "111122223333", AccessKeyID: "ASIAROOT"}}
		p, _ := cloudtrail.EventPartition(&e)
		events, parts = append(events, e), append(parts, p)
	}
	dir := t.TempDir()
	writeByPartition(t, dir, events, parts, 40)

	reg, err := catalog.Registry()
	if err != nil {
		t.Fatal(err)
	}
	accounts, _ := CloudTrailAccounts(dir)
	c := &detect.Context{Accounts: map[string]bool{}}
	for _, a := range accounts {
		c.Accounts[a] = true
	}
	en, err := detect.New(reg, c, detect.Options{Now: func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := ScanCloudTrail(t.Context(), dir, "", "", func(e *vigil.Event, p vigil.Partition) error {
		en.Event(e, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	fs := en.Findings()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.WriteFindings(fs); err != nil {
		t.Fatal(err)
	}
	return dir, fs
}

func TestFindingsRoundTrip(t *testing.T) {
	dir, fs := detectLake(t)
	// The recordings each prove at least one finding, plus a root login;
	// the exact number grows with the detections.
	if len(fs) < 7 {
		t.Fatalf("%d findings, want at least 7 (6 recordings, 1 root)", len(fs))
	}
	got, err := ReadFindings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fs, got); diff != "" {
		t.Errorf("read back (-written +read):\n%s", diff)
	}

	// auditing.findings, flattened.
	rows := query(t, dir, `select id, type, severity, severity_label, account, region, resource_type, principal, source_ip, count,
		strftime(first_seen, '%Y-%m-%dT%H:%M:%S'), strftime(last_seen, '%Y-%m-%dT%H:%M:%S'), strftime(created_at, '%Y-%m-%d'),
		archived, len(evidence_event_ids), evidence_sql, json_extract_string(finding, '$.service.count'), typeof(first_seen), octet_length(vigil_sketch) > 0
		from auditing.findings where type = 'Policy:IAMUser/RootCredentialUsage'`)
	if len(rows) != 1 {
		t.Fatalf("%d root rows", len(rows))
	}
	r := rows[0]
	want := []any{r[0], "Policy:IAMUser/RootCredentialUsage", 2.0, "Low", "111122223333", "us-east-1", "AccessKey",
		"arn:aws:iam::111122223333:root", "198.51.100.7", int64(150), "2024-05-01T23:00:00", "2024-05-04T00:40:00", "2025-01-02",
		false, int64(100), r[15], "150", "TIMESTAMP WITH TIME ZONE", true}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("root finding row (-want +got):\n%s", diff)
	}
	if n := query(t, dir, "select count(*) from auditing.findings")[0][0]; n != int64(len(fs)) {
		t.Errorf("%v rows", n)
	}

	// Every finding's evidence query returns exactly its evidence.
	e, err := OpenEngine(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, f := range fs {
		res, err := e.Query(t.Context(), f.Evidence.SQL, 0)
		if err != nil {
			t.Fatalf("%s: %v", f.Evidence.SQL, err)
		}
		col := slices.Index(res.Columns, "eventid")
		var ids []string
		for _, row := range res.Rows {
			ids = append(ids, row[col].(string))
		}
		if diff := cmp.Diff(f.Evidence.EventIDs, ids); diff != "" {
			t.Errorf("%s: evidence SQL (-evidence +query):\n%s", f.Type, diff)
		}
	}

	// Rewriting replaces the snapshot; an empty snapshot empties the table.
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	count := func() any {
		res, err := e.Query(t.Context(), "select count(*), sum(count) from auditing.findings", 0)
		if err != nil {
			t.Fatal(err)
		}
		return res.Rows[0]
	}
	count() // an engine that read the old snapshot must see the new one
	if err := l.WriteFindings(fs[:2]); err != nil {
		t.Fatal(err)
	}
	if n := query(t, dir, "select count(*) from auditing.findings")[0][0]; n != int64(2) {
		t.Errorf("after rewrite: %v rows", n)
	}
	if got := fmt.Sprint(count()); got != fmt.Sprint([]any{2, fs[0].Service.Count + fs[1].Service.Count}) {
		t.Errorf("after rewrite, the open engine sees %v", got)
	}
	if err := l.WriteFindings(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFindings(dir); err != nil || len(got) != 0 {
		t.Errorf("after empty rewrite: %d, %v", len(got), err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, TableFindings))
	staged, _ := os.ReadDir(filepath.Join(dir, metaDir, "staging"))
	if len(entries) != 1 || len(staged) != 0 {
		t.Errorf("left behind: %v %v", entries, staged)
	}
}

func TestFindingsEmptyLake(t *testing.T) {
	dir := t.TempDir()
	if fs, err := ReadFindings(dir); err != nil || fs != nil {
		t.Errorf("%v %v", fs, err)
	}
	// The table exists, empty, with its columns, before any detection run.
	e, err := OpenEngine(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := e.Query(t.Context(), "select * from auditing.findings", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"id", "type", "severity", "severity_label", "title", "description", "account", "region", "resource_type",
		"principal", "source_ip", "count", "first_seen", "last_seen", "created_at", "updated_at", "archived",
		"evidence_event_ids", "evidence_flow_keys", "evidence_sql", "finding", "vigil_sketch"}
	if diff := cmp.Diff(want, res.Columns); diff != "" || len(res.Rows) != 0 {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

func TestDetectStateFile(t *testing.T) {
	l, err := Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := l.DetectState()
	m, err := s.LoadState()
	if err != nil || len(m) != 0 {
		t.Fatalf("%v %v", m, err)
	}
	want := map[string]json.RawMessage{"a.b": json.RawMessage(`{"x":1}`)}
	if err := s.SaveState(want); err != nil {
		t.Fatal(err)
	}
	got, err := l.DetectState().LoadState()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
	os.WriteFile(s.path, []byte(`{"version":9}`), 0o644)
	if _, err := s.LoadState(); err == nil {
		t.Error("unknown version loaded")
	}
	var _ detect.StateStore = s
}
