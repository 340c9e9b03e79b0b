package auditreport

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-sec/vigil/internal/compliance"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

// writeSample writes every report of sampleRun into a fresh directory.
func writeSample(t *testing.T) (string, []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "reports", "run")
	files, err := Write(dir, sampleRun(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir, files
}

func TestWriteGolden(t *testing.T) {
	dir, files := writeSample(t)
	golden := filepath.Join("testdata", "golden")
	var rel []string
	for _, f := range files {
		r, err := filepath.Rel(dir, f)
		if err != nil {
			t.Fatal(err)
		}
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"compliance/aws-config.csv", "compliance/cis-aws-7.0.csv", "index.html",
		"results.asff.json", "results.csv", "results.json", "results.ocsf.json", "summary.json"}
	if diff := cmp.Diff(want, rel); diff != "" {
		t.Fatalf("files written (-want +got):\n%s", diff)
	}
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rel {
		t.Run(r, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(dir, r))
			if err != nil {
				t.Fatal(err)
			}
			g := filepath.Join(golden, r)
			if *update {
				if err := os.MkdirAll(filepath.Dir(g), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(g, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(g)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s differs from %s (run go test -update and review the diff):\n%s", r, g,
					cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")))
			}
		})
	}
}

func TestWriteDeterministic(t *testing.T) {
	r := sampleRun()
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, d := range dirs {
		if i == 1 {
			slices.Reverse(r.Results) // input order must not matter
			slices.Reverse(r.Accounts)
		}
		if _, err := Write(d, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	err := filepath.WalkDir(dirs[0], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dirs[0], p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(dirs[1], rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two writes of the same run", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteFormats(t *testing.T) {
	for _, tc := range []struct {
		formats []string
		want    []string
		err     string
	}{
		{formats: []string{"csv"}, want: []string{"results.csv"}},
		{formats: []string{" JSON ", "json"}, want: []string{"results.json", "summary.json"}},
		{formats: []string{"asff", "ocsf"}, want: []string{"results.asff.json", "results.ocsf.json"}},
		{formats: []string{"compliance"}, want: []string{"compliance/aws-config.csv", "compliance/cis-aws-7.0.csv"}},
		{formats: []string{"html", "xml"}, err: `unknown report format "xml"`},
	} {
		t.Run(strings.Join(tc.formats, ","), func(t *testing.T) {
			dir := t.TempDir()
			files, err := Write(dir, sampleRun(), tc.formats)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					t.Errorf("a rejected call wrote %d files", len(entries))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range files {
				r, _ := filepath.Rel(dir, f)
				got = append(got, filepath.ToSlash(r))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	if _, err := Write(t.TempDir(), nil, nil); err == nil {
		t.Error("no error for a nil run")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Write(filepath.Join(file, "run"), sampleRun(), nil)
	if err == nil || !strings.Contains(err.Error(), "report directory") {
		t.Errorf("error %v, want one naming the report directory", err)
	}
}

func TestSummaryScores(t *testing.T) {
	rep := newReport(sampleRun())
	type acct struct {
		ID, Score                  string
		Pass, Fail, Error, Muted   int
		Manual, NotApplicable, Sev int
	}
	var got []acct
	for _, a := range rep.accounts {
		got = append(got, acct{a.Account, a.scoreText(), a.Counts.Pass, a.Counts.Fail, a.Counts.Error, a.Muted,
			a.Counts.Manual, a.Counts.NotApplicable, a.FailBySev[compliance.High.Rank()]})
	}
	want := []acct{
		// 1 pass, 2 fails (password, unknown check); the muted fail, the
		// error and the manual result do not count.
		{ID: "111111111111", Score: "33.3%", Pass: 1, Fail: 2, Error: 1, Muted: 1, Manual: 1},
		// 2 passes, 1 fail (high); not applicable does not count.
		{ID: "222222222222", Score: "66.7%", Pass: 2, Fail: 1, NotApplicable: 1, Sev: 1},
		{ID: "333333333333", Score: "n/a"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("account summaries (-want +got):\n%s", diff)
	}
}

func TestUnknownCheckDegrades(t *testing.T) {
	rep := newReport(&Run{Results: []compliance.Result{{Account: "111111111111", CheckID: "kms_key_rotation_gone", Status: "WEIRD"}}})
	r := rep.rows[0]
	got := []string{r.Title, r.Service, string(r.Severity), r.Region, r.ResourceID, r.Partition, r.HomeRegion}
	want := []string{"kms_key_rotation_gone", "kms", "informational", "global", "111111111111", "aws", "us-east-1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("degraded row (-want +got):\n%s", diff)
	}
	if got := asffComplianceStatus(r.Status); got != "NOT_AVAILABLE" {
		t.Errorf("unknown status maps to %s in ASFF", got)
	}
	if _, err := Write(t.TempDir(), rep.run, nil); err != nil {
		t.Errorf("writing a run with an unknown check and status: %v", err)
	}
}

func TestClockDatesUnfinishedRuns(t *testing.T) {
	defer func(c func() time.Time) { clock = c }(clock)
	clock = func() time.Time { return t0.Add(time.Hour) }
	rep := newReport(&Run{ID: "x", Results: []compliance.Result{{Account: "111111111111", CheckID: checkBucket, Status: compliance.Pass}}})
	if !rep.generated.Equal(t0.Add(time.Hour)) || !rep.rows[0].Time.Equal(t0.Add(time.Hour)) {
		t.Errorf("report dated %v, row %v; want the clock's %v", rep.generated, rep.rows[0].Time, t0.Add(time.Hour))
	}
}

func TestFindingIDs(t *testing.T) {
	r := sampleRun()
	dup := r.Results[0]
	dup.Reason = "a second verdict on the same bucket"
	r.Results = append(r.Results, dup)
	rep := newReport(r)
	seen := map[string]bool{}
	for _, w := range rep.rows {
		if seen[w.FindingID] {
			t.Errorf("finding id %s used twice", w.FindingID)
		}
		seen[w.FindingID] = true
	}
	// Ids survive a change of verdict or wording: Security Hub updates the
	// finding rather than adding one.
	a := newReport(&Run{Results: []compliance.Result{{Account: "1", CheckID: "c", ResourceID: "r", Status: compliance.Fail, Reason: "x"}}})
	b := newReport(&Run{Results: []compliance.Result{{Account: "1", CheckID: "c", ResourceID: "r", Status: compliance.Pass, Reason: "y"}}})
	if a.rows[0].FindingID != b.rows[0].FindingID {
		t.Errorf("finding id changed with the verdict: %s, %s", a.rows[0].FindingID, b.rows[0].FindingID)
	}
}
