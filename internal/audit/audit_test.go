package audit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/vigil-sec/vigil/internal/audit"
	"github.com/vigil-sec/vigil/internal/auditreport"
	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	_ "github.com/vigil-sec/vigil/internal/checks"
	_ "github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

// world is an organization in moto: the management account, and members
// "ok", "norole" (no audit role), "denied" (the role's policy denies
// iam:GetAccountPasswordPolicy) and "disabled" (eu-west-1 answers as not
// enabled).
type world struct {
	proxy    *awsfake.FaultProxy
	opts     awsapi.Options
	cfg      aws.Config
	accounts map[string]string // name -> id
}

func newWorld(t *testing.T) *world {
	t.Helper()
	endpoint := awsfake.StartMoto(t)
	p := awsfake.NewFaultProxy(t, endpoint)
	o := awsapi.Options{Region: "us-east-1", EndpointURL: p.URL, MaxAttempts: 3}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	w := &world{proxy: p, opts: o, cfg: cfg, accounts: map[string]string{}}
	ctx := t.Context()
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ok", "norole", "denied", "disabled"} {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		w.accounts[name] = aws.ToString(out.CreateAccountStatus.AccountId)
	}
	// A weak password policy in "ok", so a check fails there.
	okCfg := w.assume(t, w.accounts["ok"], "OrganizationAccountAccessRole")
	if _, err := iam.NewFromConfig(okCfg).UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(8)}); err != nil {
		t.Fatal(err)
	}
	norole, denied, disabled := w.accounts["norole"], w.accounts["denied"], w.accounts["disabled"]
	p.FailIf(func(r awsfake.Request) bool {
		return r.Op == "AssumeRole" && strings.Contains(r.Form.Get("RoleArn"), ":"+norole+":role/"+audit.DefaultRole)
	}, "AccessDenied", http.StatusForbidden)
	p.FailIf(func(r awsfake.Request) bool { return r.Account == denied && r.Op == "GetAccountPasswordPolicy" }, "AccessDenied", http.StatusForbidden)
	p.FailIf(func(r awsfake.Request) bool { return r.Account == disabled && r.Region == "eu-west-1" }, "AuthFailure", http.StatusUnauthorized)
	return w
}

// assume returns a configuration acting in account through role.
func (w *world) assume(t *testing.T, account, role string) aws.Config {
	t.Helper()
	cfg := w.cfg.Copy()
	cfg.Credentials = aws.NewCredentialsCache(stsProvider(w.cfg, "arn:aws:iam::"+account+":role/"+role))
	return cfg
}

func TestAuditOrganization(t *testing.T) {
	w := newWorld(t)
	var events []audit.Event
	clock := time.Date(2026, 11, 3, 4, 5, 6, 0, time.UTC)
	res, err := audit.Run(t.Context(), audit.Options{
		AWS: w.cfg, Endpoint: w.opts, All: true, Parallel: 3, Regions: []string{"us-east-1", "eu-west-1"},
		Now: func() time.Time { return clock }, Progress: func(e audit.Event) { events = append(events, e) },
	})
	if err != nil {
		t.Fatal(err)
	}
	run := res.Run
	status := map[string]auditreport.AccountRun{}
	for _, ar := range run.Accounts {
		status[ar.Account] = ar
	}
	if len(run.Accounts) != 5 { // 4 members + the management account
		t.Fatalf("%d accounts: %+v", len(run.Accounts), run.Accounts)
	}
	if ar := status[w.accounts["norole"]]; ar.Status != auditreport.AccountFailed || !strings.Contains(ar.Error, "cannot assume role") || !strings.Contains(ar.Error, "AccessDenied") {
		t.Errorf("norole: %+v", ar)
	}
	if ar := status[w.accounts["denied"]]; ar.Status != auditreport.AccountPartial || !strings.Contains(ar.Error, "denied: iam:GetAccountPasswordPolicy") {
		t.Errorf("denied: %+v", ar)
	}
	if ar := status[w.accounts["disabled"]]; ar.Status != auditreport.AccountPartial || !strings.Contains(ar.Skipped["eu-west-1"], "AuthFailure") || slices.Contains(ar.Regions, "eu-west-1") {
		t.Errorf("disabled: %+v", ar)
	}
	// moto lacks a few APIs (Access Analyzer, the Account API): those
	// calls fail in every account, so "ok" may be partial, but for no
	// denial and no skipped region.
	if ar := status[w.accounts["ok"]]; ar.Status == auditreport.AccountFailed || strings.Contains(ar.Error, "denied") || len(ar.Skipped) > 0 || ar.Calls == 0 || ar.Name != "ok" {
		t.Errorf("ok: %+v", ar)
	}
	find := func(acct, check string) *compliance.Result {
		for i, r := range run.Results {
			if r.Account == acct && r.CheckID == check {
				return &run.Results[i]
			}
		}
		return nil
	}
	const pw = "iam_password_policy_minimum_length_14"
	if r := find(w.accounts["ok"], pw); r == nil || r.Status != compliance.Fail {
		t.Errorf("ok account password policy result %+v", r)
	}
	if r := find(w.accounts["denied"], pw); r == nil || r.Status != compliance.Error || !strings.Contains(r.Reason, "iam:GetAccountPasswordPolicy") {
		t.Errorf("denied account password policy result %+v", r)
	}
	if r := find(w.accounts["norole"], pw); r != nil {
		t.Errorf("results for an account that could not be entered: %+v", r)
	}
	if len(events) == 0 {
		t.Error("no progress events")
	}

	// Reports: every format, owner-only, no secret.
	dir := filepath.Join(t.TempDir(), run.ID)
	files, err := auditreport.Write(dir, run, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is %v: readable by others", f, st.Mode().Perm())
		}
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), "testing") && strings.Contains(string(b), "SecretAccessKey") {
			t.Errorf("%s mentions credentials", f)
		}
	}
	var results []map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &results); err != nil || len(results) != len(run.Results) {
		t.Errorf("results.json: %d results, err %v", len(results), err)
	}
}

func TestAuditMissingTool(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := audit.Run(context.Background(), audit.Options{Accounts: []string{"111122223333"}, Tools: []string{"scoutsuite"}})
	if err == nil || !strings.Contains(err.Error(), "pip install scoutsuite") {
		t.Fatalf("err = %v", err)
	}
}

// TestAuditSessions: the MFA code is asked once for the whole run and signs
// one session every role session is made from; a caller that is itself a
// role session gets one-hour role sessions (IAM's role-chaining limit);
// --record writes one folder per account.
func TestAuditSessions(t *testing.T) {
	endpoint := awsfake.StartMoto(t)
	p := awsfake.NewFaultProxy(t, endpoint)
	o := awsapi.Options{Region: "us-east-1", EndpointURL: p.URL, MaxAttempts: 3}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(t.Context(), &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		t.Fatal(err)
	}
	var members []string
	for _, name := range []string{"a", "b"} {
		out, err := org.CreateAccount(t.Context(), &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, aws.ToString(out.CreateAccountStatus.AccountId))
	}
	rec := t.TempDir()
	asked := 0
	res, err := audit.Run(t.Context(), audit.Options{
		AWS: cfg, Endpoint: o, Accounts: members, Regions: []string{"us-east-1"}, Checks: []string{"iam_password_policy_minimum_length_14"},
		MFASerial: "arn:aws:iam::123456789012:mfa/alice", Prompt: func(q string) (string, error) { asked++; return " 123456\n", nil },
		Duration: 2 * time.Hour, Record: rec, ExternalID: "ext-1234", SessionName: "alice-audit",
	})
	if err != nil {
		t.Fatal(err)
	}
	if asked != 1 {
		t.Errorf("MFA code asked %d times, want once", asked)
	}
	var sessionCalls, assumes int
	for _, r := range p.Requests() {
		switch r.Op {
		case "GetSessionToken":
			sessionCalls++
			if r.Form.Get("TokenCode") != "123456" || r.Form.Get("SerialNumber") != "arn:aws:iam::123456789012:mfa/alice" {
				t.Errorf("GetSessionToken form %v", r.Form)
			}
		case "AssumeRole":
			assumes++
			if r.AccessKey == "testing" {
				t.Error("AssumeRole signed with the long-term key, not the MFA session")
			}
			if r.Form.Get("ExternalId") != "ext-1234" || r.Form.Get("RoleSessionName") != "alice-audit" {
				t.Errorf("AssumeRole external id %q session name %q", r.Form.Get("ExternalId"), r.Form.Get("RoleSessionName"))
			}
			if r.Form.Get("DurationSeconds") != "7200" {
				t.Errorf("AssumeRole DurationSeconds %q, want 7200", r.Form.Get("DurationSeconds"))
			}
		}
	}
	if sessionCalls != 1 || assumes != len(members) {
		t.Errorf("%d GetSessionToken, %d AssumeRole calls", sessionCalls, assumes)
	}
	for _, ar := range res.Run.Accounts {
		if ar.Status == auditreport.AccountFailed {
			t.Errorf("account %s failed: %s", ar.Account, ar.Error)
		}
		if _, err := os.Stat(filepath.Join(rec, ar.Account, "describe-regions.json")); err != nil {
			t.Errorf("no recording for %s: %v", ar.Account, err)
		}
	}

	// A role session as the caller: role sessions are capped at one hour,
	// and MFA (GetSessionToken) is refused with an explanation.
	chained := cfg.Copy()
	chained.Credentials = aws.NewCredentialsCache(stsProvider(cfg, "arn:aws:iam::"+members[0]+":role/OrganizationAccountAccessRole"))
	p.ClearRequests()
	if _, err := audit.Run(t.Context(), audit.Options{AWS: chained, Endpoint: o, Accounts: members[1:], Regions: []string{"us-east-1"},
		Checks: []string{"iam_password_policy_minimum_length_14"}, Duration: 3 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	for _, r := range p.Requests() {
		if r.Op == "AssumeRole" && strings.Contains(r.Form.Get("RoleArn"), audit.DefaultRole) && r.Form.Get("DurationSeconds") != "3600" {
			t.Errorf("chained AssumeRole DurationSeconds %q, want 3600", r.Form.Get("DurationSeconds"))
		}
	}
	_, err = audit.Run(t.Context(), audit.Options{AWS: chained, Endpoint: o, Accounts: members[1:], MFASerial: "arn:aws:iam::1:mfa/x", MFAToken: "1"})
	if err == nil || !strings.Contains(err.Error(), "role session") {
		t.Errorf("MFA from a role session: %v", err)
	}
}
