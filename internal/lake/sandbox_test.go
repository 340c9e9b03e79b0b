package lake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// sandboxLake writes a small lake and opens a sandbox over it.
func sandboxLake(t *testing.T, lim SandboxLimits) (string, *Sandbox) {
	t.Helper()
	dir := t.TempDir()
	var events []vigil.Event
	for i := range 5 {
		events = append(events, vigil.Event{EventVersion: "1.08", EventTime: fmt.Sprintf("2024-05-01T10:0%d:00Z", i),
			EventSource: "iam.amazonaws.com", EventName: "CreateUser", AWSRegion: "us-east-1", EventID: fmt.Sprintf("e%d", i),
			RecipientAccountID: "111122223333", SourceIPAddress: "203.0.113.9"})
	}
	writeEvents(t, dir, vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2024-05-01"}, events)
	sb, err := OpenSandbox(t.Context(), dir, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return dir, sb
}

func TestSandboxRefusesEscapes(t *testing.T) {
	dir, sb := sandboxLake(t, SandboxLimits{})
	ct := filepath.Join(dir, "cloudtrail")
	secret := filepath.Join(dir, "_vigil", "console", "auth.json")
	if err := os.MkdirAll(filepath.Dir(secret), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secret, []byte(`{"hash":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	const (
		refused    = "refused by the SQL sandbox"
		permission = "Permission Error"
	)
	for _, tc := range []struct {
		sql  string
		want string // text of the error
		// created must not exist afterwards.
		created string
	}{
		{"select * from read_csv('/etc/passwd')", permission, ""},
		{"select * from '/etc/passwd'", "/etc/passwd does not exist", ""}, // no replacement scan of files
		{"select * from glob('/etc/*')", permission, ""},
		{"select * from read_text('/proc/self/environ')", permission, ""},
		{"select * from read_text('" + ct + "/../_vigil/console/auth.json')", permission, ""},
		{"select * from read_json('" + secret + "')", permission, ""},
		{"select * from glob('" + dir + "/*')", permission, ""},
		{"copy (select 1) to '" + ct + "/x.csv'", refused, filepath.Join(ct, "x.csv")},
		{"copy (select 1) to '" + outside + "/x.csv'", refused, filepath.Join(outside, "x.csv")},
		{"attach '" + ct + "/x.db' as x", refused, filepath.Join(ct, "x.db")},
		{"export database '" + outside + "/exp'", refused, filepath.Join(outside, "exp")},
		{"create table t as select 1", refused, ""},
		{"insert into auditing._empty_cloudtrail select * from auditing.cloudtrail", refused, ""},
		{"install httpfs", refused, ""},
		{"load httpfs", refused, ""},
		{"pragma enable_profiling", refused, ""},
		{"set enable_external_access = true", refused, ""},
		{"set allowed_directories = ['/']", refused, ""},
		{"select 1; copy (select 1) to '" + ct + "/y.csv'", refused, filepath.Join(ct, "y.csv")},
		{"select 1; select 2", "one statement at a time", ""},
		{"select * from query('copy (select 1) to ''" + ct + "/z.csv''')", "function query is not allowed", filepath.Join(ct, "z.csv")},
		{"select * from enable_logging(storage_path := '" + outside + "/log')", "function enable_logging is not allowed", filepath.Join(outside, "log")},
		{"select * from system.main.enable_profiling()", "enable_profiling is not allowed", ""},
		{"select write_log('x')", "function write_log is not allowed", ""},
		{"select * from json_execute_serialized_sql('{}')", "json_execute_serialized_sql is not allowed", ""},
		{"select sleep_ms(100000)", "sleep_ms is not allowed", ""},
		{"select * from (select * from range(3)) join checkpoint() on true", "checkpoint is not allowed", ""},
		{"", "no statement given", ""},
		{"selec 1", "syntax error", ""},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			_, err := sb.Query(t.Context(), tc.sql)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if tc.want == refused || strings.Contains(tc.want, "not allowed") {
				var se *SandboxError
				if !errors.As(err, &se) {
					t.Errorf("error %v is not a *SandboxError", err)
				}
			}
			if tc.created != "" {
				if _, err := os.Stat(tc.created); err == nil {
					t.Errorf("%s was created", tc.created)
				}
			}
		})
	}
	// The lock held: the settings are as the sandbox left them.
	res, err := sb.Query(t.Context(), "select current_setting('enable_external_access'), current_setting('lock_configuration')")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Rows); got != "[[false true]]" {
		t.Errorf("external access, lock = %s", got)
	}
}

func TestSandboxReads(t *testing.T) {
	dir, sb := sandboxLake(t, SandboxLimits{MaxRows: 3, Conns: 3})
	for _, tc := range []struct {
		sql  string
		args []any
		want string // the rows, printed
		// truncated: the row limit cut the result.
		truncated bool
	}{
		{sql: "select count(*) from auditing.cloudtrail", want: "[[5]]"},
		{sql: "select eventid from auditing.cloudtrail where eventid = ?", args: []any{"e3"}, want: "[[e3]]"},
		{sql: "select eventid from auditing.cloudtrail order by eventid", want: "[[e0] [e1] [e2]]", truncated: true},
		{sql: "select json_extract_scalar('{\"a\":\"b\"}', '$.a')", want: "[[b]]"}, // a Trino function
		{sql: "select 7 / 2", want: "[[3]]"},                                       // Trino's integer division
		{sql: "select count(*) from read_parquet('" + dir + "/cloudtrail/*/*/*/*.parquet')", want: "[[5]]"},
		{sql: "with x as (select 1 as a) from x", want: "[[1]]"},
		{sql: "select count(*) from (describe auditing.cloudtrail) where column_name = 'eventname'", want: "[[1]]"},
		{sql: "select count(*) from range(10) r, unnest([1, 2]) u", want: "[[20]]"},
		{sql: "select count(*) from auditing.findings", want: "[[0]]"},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			res, err := sb.Query(t.Context(), tc.sql, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(res.Rows); got != tc.want || res.Truncated != tc.truncated {
				t.Errorf("rows %s (truncated %v), want %s (truncated %v)", got, res.Truncated, tc.want, tc.truncated)
			}
		})
	}

	// Connections opened after the lock get the session settings too.
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() {
			res, err := sb.Query(t.Context(), "select current_setting('TimeZone'), 7 / 2, count(*) from range(3000000)")
			if err == nil && fmt.Sprint(res.Rows) != "[[UTC 3 3000000]]" {
				err = fmt.Errorf("settings %v", res.Rows)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}

	// New files show without reopening.
	writeEvents(t, dir, vigil.Partition{Account: "444455556666", Region: "eu-west-1", Date: "2024-05-02"},
		[]vigil.Event{{EventVersion: "1.08", EventTime: "2024-05-02T10:00:00Z", EventName: "ListUsers", EventID: "n1"}})
	res, err := sb.Query(t.Context(), "select count(*) from auditing.cloudtrail")
	if err != nil || fmt.Sprint(res.Rows) != "[[6]]" {
		t.Errorf("after a new commit: %v %v", res, err)
	}
}

func TestSandboxStreamAndTimeout(t *testing.T) {
	_, sb := sandboxLake(t, SandboxLimits{Timeout: 300 * time.Millisecond})
	var n int
	truncated, err := sb.Stream(t.Context(), "select * from range(25)", 20, func(cols, types []string) error {
		if fmt.Sprint(cols, types) != "[range] [BIGINT]" {
			return fmt.Errorf("columns %v %v", cols, types)
		}
		return nil
	}, func(row []any) error { n++; return nil })
	if err != nil || !truncated || n != 20 {
		t.Errorf("stream: %d rows, truncated %v, %v", n, truncated, err)
	}
	stop := errors.New("stop")
	_, err = sb.Stream(t.Context(), "select * from range(25)", 0, func([]string, []string) error { return nil },
		func([]any) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("row error: %v", err)
	}

	start := time.Now()
	_, err = sb.Query(t.Context(), "select count(*) from range(100000000) a, range(100000000) b")
	var se *SandboxError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "time limit") {
		t.Errorf("endless query: %v", err)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the endless query was stopped only after %s", took)
	}
	// The sandbox still answers.
	if res, err := sb.Query(t.Context(), "select 1"); err != nil || fmt.Sprint(res.Rows) != "[[1]]" {
		t.Errorf("after a timeout: %v %v", res, err)
	}
}
