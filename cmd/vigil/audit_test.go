package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/vigil-sec/vigil/internal/audit"
	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/demoworld"
)

// standIn writes an executable that records its arguments and the AWS
// variables of its environment into <outdir>/args.json, like a tool
// writing its report there.
func standIn(t *testing.T, dir, name string) {
	t.Helper()
	script := `#!/bin/sh
out=""
prev=""
for a in "$@"; do
  case "$prev" in --output-directory|--report-dir) out="$a";; esac
  prev="$a"
done
mkdir -p "$out"
{
  printf '{"args":"%s",' "$*"
  printf '"key":"%s","token_set":"%s","region":"%s","profile":"%s"}\n' "$AWS_ACCESS_KEY_ID" "${AWS_SESSION_TOKEN:+yes}" "$AWS_DEFAULT_REGION" "$AWS_PROFILE"
} > "$out/args.json"
echo "stand-in ` + name + ` ran"
`
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestAuditCommand audits a seeded organization in moto through the CLI,
// with Prowler and ScoutSuite stand-ins, into reports and a lake; then
// vigil compliance reads the stored snapshots.
func TestAuditCommand(t *testing.T) {
	endpoint := awsfake.StartMoto(t)
	opts := awsapi.Options{Region: "us-east-1", EndpointURL: endpoint}
	cfg, err := awsapi.Config(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	world, err := demoworld.Seed(t.Context(), cfg, opts, "prod", "dev")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	standIn(t, bin, "prowler")
	standIn(t, bin, "scout")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(bin, "none"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(bin, "none"))

	out, lk := t.TempDir(), t.TempDir()
	code, stdout, stderr := runVigil(t, "audit", "--all", "--endpoint-url", endpoint, "--region", "us-east-1",
		"--regions", "us-east-1", "--output-dir", out, "--lake", lk, "--tool", "prowler,scoutsuite", "--parallel", "2")
	if code != exitFindings {
		t.Fatalf("audit exit %d, want %d (checks fail in the seeded world)\n%s\n%s", code, exitFindings, stdout, stderr)
	}
	runs, _ := filepath.Glob(filepath.Join(out, "audit-*"))
	if len(runs) != 1 {
		t.Fatalf("report folders %v", runs)
	}
	for _, f := range []string{"index.html", "results.json", "results.csv", "results.asff.json", "results.ocsf.json", "run.log"} {
		if _, err := os.Stat(filepath.Join(runs[0], f)); err != nil {
			t.Errorf("report %s missing", f)
		}
	}
	logText, _ := os.ReadFile(filepath.Join(runs[0], "run.log"))
	for _, acct := range world.Accounts {
		if !strings.Contains(string(logText), acct) {
			t.Errorf("run.log does not mention account %s", acct)
		}
		for _, tool := range []string{"prowler", "scoutsuite"} {
			b, err := os.ReadFile(filepath.Join(runs[0], tool, acct, "args.json"))
			if err != nil {
				t.Errorf("%s did not run for %s: %v", tool, acct, err)
				continue
			}
			var got map[string]string
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%s: %s", b, err)
			}
			if got["key"] == "" || got["key"] == "testing" || got["token_set"] != "yes" || got["region"] != "us-east-1" || got["profile"] != "" {
				t.Errorf("%s for %s ran without the account's session: %s", tool, acct, b)
			}
			if !strings.HasPrefix(got["args"], "aws ") {
				t.Errorf("%s args %q", tool, got["args"])
			}
		}
	}
	// No secret in any report or log.
	filepath.Walk(runs[0], func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), "SecretAccessKey") || strings.Contains(string(b), "aws_session_token") {
			t.Errorf("%s contains credential material", p)
		}
		return nil
	})

	code, stdout, stderr = runVigil(t, "compliance", "--lake", lk, "--fail-on", "medium")
	if code != exitFindings || !strings.Contains(stdout, "iam_password_policy_minimum_length_14") {
		t.Fatalf("compliance exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runVigil(t, "query", "--lake", lk, "--format", "csv",
		"select distinct account from auditing.compliance where check_id = 'iam_password_policy_minimum_length_14' and status = 'FAIL' order by 1")
	if code != 0 {
		t.Fatalf("query exit %d", code)
	}
	for _, acct := range world.Accounts {
		if !strings.Contains(stdout, acct) {
			t.Errorf("auditing.compliance lacks account %s:\n%s", acct, stdout)
		}
	}

	// Usage errors.
	for _, args := range [][]string{{"audit"}, {"audit", "--all", "--accounts", "111122223333"}, {"audit", "--all", "--fail-on", "severe"},
		{"audit", "--all", "--output-formats", "pdf"}, {"compliance", "--lake", lk, "--checks", "no_such_check"},
		{"compliance", "--lake", lk, "--frameworks", "pci"}} {
		if code, _, _ := runVigil(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}

	// One framework, a mutelist, CSV: every row maps to CIS, the muted
	// password-policy failures are reported as muted and no longer fail.
	mute := filepath.Join(t.TempDir(), "mute.yaml")
	os.WriteFile(mute, []byte("mutelist:\n  - checks: [iam_password_policy_*]\n    reason: accepted for the test\n"), 0o600)
	code, stdout, stderr = runVigil(t, "compliance", "--lake", lk, "--frameworks", "cis-aws-7.0", "--mutelist", mute, "--format", "csv", "--no-store")
	if code != 0 {
		t.Fatalf("compliance csv exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if !strings.HasPrefix(lines[0], "account,region,check_id,") || len(lines) < 10 {
		t.Fatalf("csv: %s", stdout)
	}
	var mutedRows int
	for _, l := range lines[1:] {
		if !strings.Contains(l, "cis-aws-7.0:") {
			t.Errorf("row outside the framework: %s", l)
		}
		if strings.Contains(l, "iam_password_policy_minimum_length_14") {
			if !strings.HasSuffix(strings.TrimSuffix(l, l[strings.LastIndex(l, ","):]), ",true") {
				t.Errorf("password policy row not muted: %s", l)
			}
			mutedRows++
		}
	}
	if mutedRows == 0 {
		t.Error("no password-policy row")
	}

	// --exclude-accounts can leave nothing: the audit cannot run (exit 1);
	// --output-formats writes only what it names.
	one := world.Accounts["prod"]
	code, _, stderr = runVigil(t, "audit", "--accounts", one, "--exclude-accounts", one, "--endpoint-url", endpoint, "--output-dir", out)
	if code != exitInternal || !strings.Contains(stderr, "no account to audit") {
		t.Errorf("everything excluded: exit %d %s", code, stderr)
	}
	only := t.TempDir()
	runVigil(t, "audit", "--accounts", one, "--endpoint-url", endpoint, "--region", "us-east-1", "--regions", "us-east-1",
		"--output-dir", only, "--output-formats", "csv", "--checks", "iam_password_policy_minimum_length_14")
	files, _ := filepath.Glob(filepath.Join(only, "audit-*", "*"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if strings.Join(names, " ") != "results.csv run.log" {
		t.Errorf("--output-formats csv wrote %v", names)
	}

	code, stdout, _ = runVigil(t, "inventory", "--list")
	if code != 0 || !strings.Contains(stdout, "iam-password-policy") || !strings.Contains(stdout, "iam:GetAccountPasswordPolicy") {
		t.Errorf("inventory --list: %d\n%s", code, stdout)
	}
}

// TestInventoryRecordReplayCommand collects an account with --record and
// replays it with --from-dir into another lake: compliance agrees.
func TestInventoryRecordReplayCommand(t *testing.T) {
	endpoint := awsfake.StartMoto(t)
	opts := awsapi.Options{Region: "us-east-1", EndpointURL: endpoint}
	cfg, err := awsapi.Config(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	if _, err := demoworld.Seed(t.Context(), cfg, opts, "prod"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	rec, live, replay := t.TempDir(), t.TempDir(), t.TempDir()
	code, stdout, stderr := runVigil(t, "inventory", "--lake", live, "--endpoint-url", endpoint, "--region", "us-east-1",
		"--regions", "us-east-1,eu-west-1", "--record", rec)
	if code != 0 {
		t.Fatalf("inventory exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = runVigil(t, "inventory", "--lake", replay, "--from-dir", rec, "--account", "123456789012", "--regions", "us-east-1,eu-west-1")
	if code != 0 {
		t.Fatalf("inventory --from-dir exit %d\n%s\n%s", code, stdout, stderr)
	}
	eval := func(lk string) []map[string]any {
		code, stdout, stderr := runVigil(t, "compliance", "--lake", lk, "--format", "json")
		if code != 0 {
			t.Fatalf("compliance exit %d: %s", code, stderr)
		}
		var rs []map[string]any
		if err := json.Unmarshal([]byte(stdout), &rs); err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			delete(r, "evaluated_at")
			delete(r, "snapshot_id")
		}
		return rs
	}
	a, b := eval(live), eval(replay)
	if len(a) == 0 {
		t.Fatal("no results")
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("replayed compliance differs from live:\nlive   %s\nreplay %s", ja, jb)
	}
}

// TestAuditDisplay: on a terminal the display redraws an overall line and
// one line per account in progress, and prints failures once.
func TestAuditDisplay(t *testing.T) {
	var b strings.Builder
	d := newAuditDisplay(&b, true)
	d.event(audit.Event{Account: "111122223333", Stage: "start"})
	d.event(audit.Event{Account: "444455556666", Stage: "collecting", Done: 3, Total: 40})
	d.event(audit.Event{Account: "111122223333", Stage: "failed", Detail: "cannot assume role"})
	d.event(audit.Event{Account: "444455556666", Stage: "done"})
	out := b.String()
	for _, want := range []string{"444455556666 collecting 3/40", "111122223333 failed: cannot assume role", "accounts done: 2, in progress: 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("display lacks %q:\n%q", want, out)
		}
	}
	var quiet strings.Builder
	newAuditDisplay(&quiet, false).event(audit.Event{Account: "1", Stage: "start"})
	if quiet.Len() != 0 {
		t.Errorf("display wrote to a non-terminal: %q", quiet.String())
	}
}
