package auditreport

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"plain":               "plain",
		"=1+2":                "'=1+2",
		"+cmd":                "'+cmd",
		"-1":                  "'-1",
		"@SUM(A1)":            "'@SUM(A1)",
		"\tx":                 "'\tx",
		"\rx":                 "'\rx",
		"  =HYPERLINK(\"u\")": "'  =HYPERLINK(\"u\")",
		"a=b":                 "a=b",
		"arn:aws:s3:::bucket": "arn:aws:s3:::bucket",
	} {
		if got := defuse(in); got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCSVSafe reads results.csv back: one row per result with every column,
// and no cell a spreadsheet would run.
func TestCSVSafe(t *testing.T) {
	r := sampleRun()
	r.Results[1].Tags = map[string]string{"=cmd": "x"} // a tag list starting with a formula
	dir := t.TempDir()
	if _, err := Write(dir, r, []string{"csv"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll() // also checks every row has the header's width
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(r.Results)+1 {
		t.Fatalf("%d records, want a header and %d rows", len(recs), len(r.Results))
	}
	if strings.Join(recs[0], ",") != strings.Join(csvColumns, ",") {
		t.Errorf("header %v", recs[0])
	}
	var sawTag bool
	for _, rec := range recs[1:] {
		for i, cell := range rec {
			if c := strings.TrimLeft(cell, " "); c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("column %s holds a formula: %q", csvColumns[i], cell)
			}
			if cell == "'=cmd=x" {
				sawTag = true
			}
		}
	}
	if !sawTag {
		t.Error("the hostile tag is not in results.csv, defused")
	}
}
