package checks

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
)

var update = flag.Bool("update", false, "rewrite docs/checks.md")

// TestChecksDoc keeps docs/checks.md, the list of checks with their
// framework controls, in step with the registry (go test
// ./internal/checks -run TestChecksDoc -update rewrites it).
func TestChecksDoc(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Compliance checks\n\n")
	b.WriteString("Generated from the check registry by `go test ./internal/checks -run TestChecksDoc -update`; do not edit.\n\n")
	all := compliance.Checks()
	fmt.Fprintf(&b, "%d checks. Frameworks: %s. `vigil compliance --list-checks` prints the same list.\n\n", len(all), strings.Join(compliance.Frameworks(), ", "))
	b.WriteString("| check | severity | resource type | CIS AWS 7.0 | AWS Config rule | title |\n|---|---|---|---|---|---|\n")
	for _, c := range all {
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s | %s |\n", c.ID, c.Severity, c.ResourceType,
			strings.Join(c.Frameworks["cis-aws-7.0"], ", "), strings.Join(c.Frameworks["aws-config"], ", "), strings.ReplaceAll(c.Title, "|", "\\|"))
	}
	b.WriteString("\n## Remediation\n\n")
	for _, c := range all {
		fmt.Fprintf(&b, "- `%s`: %s\n", c.ID, strings.ReplaceAll(c.Remediation, "\n", " "))
	}
	const path = "../../docs/checks.md"
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != b.String() {
		t.Errorf("docs/checks.md is stale: run go test ./internal/checks -run TestChecksDoc -update")
	}
}

// TestCISCoverage requires a check for every CIS AWS Foundations v7.0
// control in testdata/cis_aws_7.0.json (from prowler-cloud/prowler,
// Apache-2.0): automated controls must be decided (a check that is not
// MANUAL-only), manual ones covered at least by a MANUAL check.
func TestCISCoverage(t *testing.T) {
	b, err := os.ReadFile("testdata/cis_aws_7.0_with_prowler_checks.json")
	if err != nil {
		t.Fatal(err)
	}
	var controls []struct {
		ID        string `json:"id"`
		Automated bool   `json:"automated"`
	}
	if err := jsonUnmarshal(b, &controls); err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, c := range compliance.Checks() {
		for _, id := range c.Frameworks["cis-aws-7.0"] {
			covered[id] = true
		}
	}
	for _, c := range controls {
		if !covered[c.ID] {
			t.Errorf("CIS %s (automated %v) has no check", c.ID, c.Automated)
		}
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
