package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalLabelled: vigil eval generates a labelled organization, finds
// every scenario and nothing else (--strict), and --dir scores an existing
// synth output: a benign one gives no finding.
func TestEvalLabelled(t *testing.T) {
	dir := t.TempDir()
	org := filepath.Join(dir, "org")
	code, out, errOut := runVigil(t, "eval", "--strict", "--json", "--keep", org, "--accounts", "2", "--regions", "eu-west-1",
		"--days", "9", "--events-per-day", "60", "--flow-records-per-day", "120")
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s\n%s", code, out, errOut)
	}
	var rep struct {
		Recall      float64 `json:"recall"`
		Injected    int     `json:"injected"`
		Found       int     `json:"found"`
		Unexplained []any   `json:"unexplained"`
		Types       []struct {
			Type   string  `json:"type"`
			Recall float64 `json:"recall"`
		} `json:"types"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if rep.Recall != 1 || rep.Injected < 50 || rep.Found != rep.Injected || len(rep.Unexplained) != 0 || len(rep.Types) < 50 {
		t.Errorf("score: recall %v, %d of %d found, %d unexplained, %d types", rep.Recall, rep.Found, rep.Injected, len(rep.Unexplained), len(rep.Types))
	}

	benign := filepath.Join(dir, "benign")
	if code, out, errOut := runVigil(t, "synth", "--out", benign, "--scenarios", "benign", "--days", "2", "--accounts", "1",
		"--regions", "eu-west-1", "--events-per-day", "60", "--flow-records-per-day", "100", "--start", "2024-07-01"); code != 0 {
		t.Fatalf("synth: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runVigil(t, "eval", "--dir", benign, "--strict")
	if code != 0 || !strings.Contains(out, "benign run") || !strings.Contains(out, "0 findings") {
		t.Errorf("eval --dir benign: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestEvalUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"too short", []string{"eval", "--days", "3"}, "at least 9"},
		{"not a synth output", []string{"eval", "--dir", t.TempDir()}, "not an output of vigil synth"},
		{"dir and benign", []string{"eval", "--dir", t.TempDir(), "--benign"}, "--dir evaluates an existing output"},
		{"bad scenarios", []string{"synth", "--out", t.TempDir(), "--scenarios", "attacks"}, "--scenarios"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runVigil(t, tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}
