package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
)

func TestBaselineRenderCommand(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runVigil(t, "baseline", "render", "--out", out, "--main-account", "111122223333",
		"--main-region", "eu-west-1", "--regions", "eu-west-1,us-east-1", "--organization-id", "o-a1b2c3d4e5", "--accounts", "444455556666")
	if code != 0 {
		t.Fatalf("render exit %d: %s", code, stderr)
	}
	for _, f := range []string{"stacksets.json", "audit-role.yaml", "audit-role.parameters.json", "cloudtrail.yaml", "config.yaml",
		"flowlogs.yaml", "guardduty.yaml", "athena.yaml", "athena-queries.yaml", "athena-queries.parameters.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("render did not write %s", f)
		}
	}
	if !strings.Contains(stdout, "vigil-baseline-config") || !strings.Contains(stdout, "4 instances") {
		t.Errorf("render output:\n%s", stdout)
	}
	var params []map[string]string
	b, _ := os.ReadFile(filepath.Join(out, "config.parameters.json"))
	if err := json.Unmarshal(b, &params); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(params, func(p map[string]string) bool {
		return p["ParameterKey"] == "AccountIds" && p["ParameterValue"] == "111122223333,444455556666"
	}) {
		t.Errorf("config parameters: %s", b)
	}

	for _, args := range [][]string{
		{"baseline", "render", "--main-account", "111122223333", "--regions", "eu-west-1", "--organization-id", "o-a1b2c3d4e5"},
		{"baseline", "render", "--out", out, "--main-account", "1111", "--regions", "eu-west-1", "--organization-id", "o-a1b2c3d4e5"},
		{"baseline", "render", "--out", out, "--mode", "invitation", "--main-account", "111122223333", "--regions", "eu-west-1"},
		{"baseline", "render", "--out", out, "--mode", "invitation", "--main-account", "111122223333", "--regions", "eu-west-1", "--member", "444455556666"},
	} {
		if code, _, stderr := runVigil(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitUsage, stderr)
		}
	}
}

func TestBaselinePolicyCommand(t *testing.T) {
	code, stdout, stderr := runVigil(t, "baseline", "policy")
	if code != 0 {
		t.Fatalf("policy exit %d: %s", code, stderr)
	}
	var doc struct {
		Statement []struct {
			Effect string
			Action []string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, stdout)
	}
	if len(doc.Statement) != 1 || doc.Statement[0].Effect != "Allow" {
		t.Fatalf("policy: %s", stdout)
	}
	for _, a := range []string{"iam:GetAccountPasswordPolicy", "guardduty:ListDetectors", "config:DescribeDeliveryChannelStatus"} {
		if !slices.Contains(doc.Statement[0].Action, a) {
			t.Errorf("policy lacks %s", a)
		}
	}
	code, stdout, _ = runVigil(t, "baseline", "policy", "--format", "actions")
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); code != 0 || !slices.Equal(lines, doc.Statement[0].Action) {
		t.Errorf("--format actions: exit %d, %d lines for %d actions", code, len(lines), len(doc.Statement[0].Action))
	}
	if code, _, _ := runVigil(t, "baseline", "policy", "--format", "yaml"); code != exitUsage {
		t.Errorf("bad format: exit %d", code)
	}
}

// TestBaselineDeployStatusCommands runs a dry-run deploy and a status
// check through the CLI against an organization in moto where nothing is
// enabled yet (the baseline package's tests cover deploying and verifying).
func TestBaselineDeployStatusCommands(t *testing.T) {
	endpoint := awsfake.StartMoto(t)
	opts := awsapi.Options{Region: "eu-west-1", EndpointURL: endpoint}
	cfg, err := awsapi.Config(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(t.Context(), &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	st, err := org.CreateAccount(t.Context(), &organizations.CreateAccountInput{AccountName: aws.String("dev"), Email: aws.String("dev@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	member := aws.ToString(st.CreateAccountStatus.AccountId)
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	awsArgs := []string{"--endpoint-url", endpoint, "--region", "eu-west-1", "--regions", "eu-west-1"}

	code, stdout, stderr := runVigil(t, append([]string{"baseline", "deploy", "--dry-run"}, awsArgs...)...)
	if code != 0 {
		t.Fatalf("deploy --dry-run exit %d:\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"Changes a deploy would make (dry run):", "vigil-baseline-config: create stack set",
		"vigil-baseline-config: create instances: 123456789012/eu-west-1 " + member + "/eu-west-1", "MISSING"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("deploy --dry-run output lacks %q:\n%s", want, stdout)
		}
	}

	lk := t.TempDir()
	code, stdout, stderr = runVigil(t, append([]string{"baseline", "status", "--lake", lk}, awsArgs...)...)
	if code != exitFindings {
		t.Fatalf("status exit %d, want %d (nothing is enabled):\n%s\n%s", code, exitFindings, stdout, stderr)
	}
	for _, want := range []string{"guardduty", "audit_role", member, "OFF", "No GuardDuty detector.", "No AWS Config recorder."} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status output lacks %q:\n%s", want, stdout)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(lk, "baseline_status", "status-*.parquet")); len(files) != 1 {
		t.Errorf("status snapshots in the lake: %v", files)
	}
	code, stdout, _ = runVigil(t, append([]string{"baseline", "status", "--format", "json"}, awsArgs...)...)
	var cells []map[string]any
	if err := json.Unmarshal([]byte(stdout), &cells); code != exitFindings || err != nil {
		t.Fatalf("status --format json: exit %d, %v\n%s", code, err, stdout)
	}
	// 2 accounts × (4 regional controls + the audit role).
	if len(cells) != 10 {
		t.Errorf("%d cells, want 10", len(cells))
	}
	for _, args := range [][]string{
		{"baseline", "status", "--mfa-serial", "arn:aws:iam::123456789012:mfa/me"},
		{"baseline", "status", "--format", "xml"},
		{"baseline", "deploy", "--max-concurrent", "0"},
		{"baseline", "deploy", "--failure-tolerance", "lots"},
	} {
		if code, _, stderr := runVigil(t, append(args, awsArgs...)...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitUsage, stderr)
		}
	}
}
