package auditreport

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestControlStatus(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     counts
		muted int
		want  string
	}{
		{"one failure among passes", counts{Pass: 9, Fail: 1}, 0, "FAIL"},
		{"failure beats error", counts{Fail: 1, Error: 3}, 0, "FAIL"},
		{"error without failure", counts{Pass: 2, Error: 1}, 0, "ERROR"},
		{"unknown status is an error", counts{Pass: 2, Other: 1}, 0, "ERROR"},
		{"manual", counts{Pass: 2, Manual: 1}, 0, "MANUAL"},
		{"all pass", counts{Pass: 3}, 0, "PASS"},
		{"pass and not applicable", counts{Pass: 1, NotApplicable: 4}, 0, "PASS"},
		{"muted failure only", counts{}, 2, "MUTED"},
		{"muted failure and a pass", counts{Pass: 1}, 1, "PASS"},
		{"not applicable", counts{NotApplicable: 2}, 1, "NOT_APPLICABLE"},
		{"nothing", counts{}, 0, "NOT_APPLICABLE"},
	} {
		if got := controlStatus(tc.c, tc.muted); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCompareControls(t *testing.T) {
	ids := []string{"2.1", "1.10", "rule-b", "1.2", "1.2.1", "10.1", "rule-a", "1.9"}
	slices.SortFunc(ids, compareControls)
	want := []string{"1.2", "1.2.1", "1.9", "1.10", "2.1", "10.1", "rule-a", "rule-b"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"cis-aws-7.0":   "cis-aws-7.0",
		"../../etc/pwd": "_.._.._etc_pwd",
		"nist 800-53":   "nist_800-53",
		".hidden":       "_.hidden",
	} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestComplianceRows checks the per-control rows of one framework: every
// account appears under every control, and an account that could not be
// audited is an ERROR that says why.
func TestComplianceRows(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, sampleRun(), []string{"compliance"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "compliance", "cis-aws-7.0.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, r := range recs[1:] {
		got = append(got, []string{r[1], r[3], r[5], r[6], r[7], r[8], r[11]}) // control, account, status, pass, fail, error, muted
	}
	want := [][]string{
		{"1.8", "111111111111", "FAIL", "0", "1", "0", "0"},
		{"1.8", "222222222222", "PASS", "1", "0", "0", "0"},
		{"1.8", "333333333333", "ERROR", "0", "0", "0", "0"},
		{"2.1.4", "111111111111", "ERROR", "1", "0", "1", "1"},
		{"2.1.4", "222222222222", "FAIL", "1", "1", "0", "0"},
		{"2.1.4", "333333333333", "ERROR", "0", "0", "0", "0"},
		{"3.1", "111111111111", "MANUAL", "0", "0", "0", "0"},
		{"3.1", "222222222222", "NOT_APPLICABLE", "0", "0", "0", "0"},
		{"3.1", "333333333333", "ERROR", "0", "0", "0", "0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if note := recs[3][13]; note != "account not audited: cannot assume role arn:aws:iam::333333333333:role/AssumableSecurityAuditRole: AccessDenied (credentials AKIA************MPLE:[REDACTED])" {
		t.Errorf("note of the failed account: %q", note)
	}
}
