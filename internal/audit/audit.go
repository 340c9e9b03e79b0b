// Package audit runs Vigil's inventory and compliance checks across an AWS
// Organization: it assumes the audit role in every account (with MFA when
// asked, refreshing the session before it expires), collects each account
// with bounded parallelism and a per-service rate limit, evaluates the
// checks, optionally runs Prowler and ScoutSuite with the same
// credentials, and returns what the report writers need. A failure in one
// account — a missing role, denied calls, a disabled region, a crashed
// collector — is recorded with its reason and the others go on.
package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/auditreport"
	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// DefaultRole is the role assumed in each account, as in the baseline.
const DefaultRole = "AssumableSecurityAuditRole"

// Options configure an audit.
type Options struct {
	// AWS is the caller's configuration (the main or security account).
	AWS      aws.Config
	Endpoint awsapi.Options
	// All lists the organization's active accounts; otherwise Accounts.
	All      bool
	Accounts []string
	Exclude  []string
	// Role (name or ARN pattern with the account id as %s), ExternalID and
	// SessionName configure AssumeRole; Duration the session length.
	Role, ExternalID, SessionName string
	Duration                      time.Duration
	// MFASerial and MFAToken sign the run's session once, with
	// sts:GetSessionToken; the token is asked through Prompt when empty.
	MFASerial, MFAToken string
	Prompt              func(question string) (string, error)
	// Parallel accounts at once; RegionParallel collector × region tasks
	// inside each account; RatePerService calls/s per service per account.
	Parallel, RegionParallel int
	RatePerService           float64
	Regions                  []string
	GlobalRegion             string
	// Checks, Frameworks and Mutelist narrow and mute the evaluation.
	Checks, Frameworks []string
	Mutelist           *compliance.Mutelist
	// Record writes each account's API responses under Record/<account>.
	Record string
	// Tools are external tools to run per account ("prowler",
	// "scoutsuite") with their outputs under ToolDir/<tool>/<account>.
	Tools   []string
	ToolDir string
	// Now is the run's clock (default time.Now).
	Now func() time.Time
	// Log receives progress lines; Progress structured progress events,
	// one call at a time.
	Log      *slog.Logger
	Progress func(Event)
}

// Event is a progress event.
type Event struct {
	Account string
	Stage   string // "start", "assumed", "collecting", "evaluated", "tool", "done", "failed"
	Done    int    // collector × region tasks done (collecting)
	Total   int
	Detail  string
}

// Result is an audit's outcome.
type Result struct {
	Run       *auditreport.Run
	Snapshots []*inventory.Snapshot
}

// Run audits the selected accounts.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = func(Event) {}
	}
	// Accounts run in parallel; the callback sees one event at a time.
	progress, progressMu := o.Progress, &sync.Mutex{}
	o.Progress = func(e Event) {
		progressMu.Lock()
		defer progressMu.Unlock()
		progress(e)
	}
	if o.Role == "" {
		o.Role = DefaultRole
	}
	if o.SessionName == "" {
		o.SessionName = "vigil-audit"
	}
	if o.Duration == 0 {
		o.Duration = time.Hour
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	tools, err := lookTools(o.Tools)
	if err != nil {
		return nil, err
	}
	started := o.Now().UTC()
	run := &auditreport.Run{ID: RunID(started), Started: started, Tool: "vigil", Frameworks: o.Frameworks}

	base, err := o.baseSession(ctx)
	if err != nil {
		return nil, err
	}
	accounts, names, org, err := o.selectAccounts(ctx, base)
	if err != nil {
		return nil, err
	}
	run.Org = org
	o.Log.Info("audit starting", "run", run.ID, "accounts", len(accounts), "parallel", o.Parallel, "role", o.Role)

	res := &Result{Run: run}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Parallel)
	for _, acct := range accounts {
		g.Go(func() error {
			ar, snap, rs := o.auditAccount(gctx, base, acct, tools)
			ar.Name = names[acct]
			mu.Lock()
			run.Accounts = append(run.Accounts, ar)
			run.Results = append(run.Results, rs...)
			if snap != nil {
				res.Snapshots = append(res.Snapshots, snap)
			}
			mu.Unlock()
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sort.Slice(run.Accounts, func(i, j int) bool { return run.Accounts[i].Account < run.Accounts[j].Account })
	sort.Slice(res.Snapshots, func(i, j int) bool { return res.Snapshots[i].Account < res.Snapshots[j].Account })
	compliance.SortResults(run.Results)
	run.Finished = o.Now().UTC()
	return res, nil
}

// RunID names a run after its start time.
func RunID(t time.Time) string { return "audit-" + t.UTC().Format("20060102T150405Z") }

// base is the session every AssumeRole is made from.
type base struct {
	cfg      aws.Config
	chained  bool // the caller's credentials are themselves a role session
	duration time.Duration
}

// baseSession resolves the caller, signs the run's MFA session when asked,
// and caps the role session at one hour when the caller is itself a role
// session (IAM's role-chaining limit), saying so.
func (o *Options) baseSession(ctx context.Context) (*base, error) {
	b := &base{cfg: o.AWS.Copy(), duration: o.Duration}
	id, err := sts.NewFromConfig(b.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("the audit cannot start: the caller's AWS credentials do not work: %w", err)
	}
	b.chained = strings.Contains(aws.ToString(id.Arn), ":assumed-role/")
	if o.MFASerial != "" {
		if b.chained {
			return nil, fmt.Errorf("--mfa-serial: the caller %s is a role session; sts:GetSessionToken needs an IAM user's long-term credentials (drop --mfa-serial, or run as the user)", aws.ToString(id.Arn))
		}
		token := o.MFAToken
		if token == "" {
			if o.Prompt == nil {
				return nil, errors.New("--mfa-serial needs --mfa-token when no terminal is attached")
			}
			if token, err = o.Prompt(fmt.Sprintf("MFA code for %s: ", o.MFASerial)); err != nil {
				return nil, err
			}
		}
		token = strings.TrimSpace(token)
		// The MFA session outlives the role sessions made from it, which
		// are refreshed from it during a long run.
		dur := max(o.Duration, 12*time.Hour)
		out, err := sts.NewFromConfig(b.cfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{
			SerialNumber: aws.String(o.MFASerial), TokenCode: aws.String(token), DurationSeconds: aws.Int32(int32(dur.Seconds())),
		})
		if err != nil {
			return nil, fmt.Errorf("MFA session for %s: %w", o.MFASerial, err)
		}
		c := out.Credentials
		b.cfg.Credentials = aws.NewCredentialsCache(staticSession{aws.Credentials{
			AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey),
			SessionToken: aws.ToString(c.SessionToken), Source: "vigil-mfa-session",
			CanExpire: true, Expires: aws.ToTime(c.Expiration),
		}})
	}
	if b.chained && o.Duration > time.Hour {
		o.Log.Warn("role sessions capped at one hour: the caller is itself a role session, and IAM limits sessions made by role chaining to 1h; long runs refresh them automatically",
			"caller", aws.ToString(id.Arn), "requested", o.Duration)
		b.duration = time.Hour
	}
	return b, nil
}

// staticSession serves the MFA session's credentials until they expire.
type staticSession struct{ c aws.Credentials }

func (s staticSession) Retrieve(context.Context) (aws.Credentials, error) {
	if s.c.Expired() {
		return aws.Credentials{}, errors.New("the MFA session expired: run the audit again with a fresh MFA code")
	}
	return s.c, nil
}

// selectAccounts returns the accounts to audit, their names and the
// organization id.
func (o *Options) selectAccounts(ctx context.Context, b *base) ([]string, map[string]string, string, error) {
	names := map[string]string{}
	var accounts []string
	var org string
	if o.All {
		c := organizations.NewFromConfig(b.cfg)
		if d, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err == nil && d.Organization != nil {
			org = aws.ToString(d.Organization.Id)
		}
		p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, nil, "", fmt.Errorf("--all: list the organization's accounts (run from the management or a delegated administrator account): %w", err)
			}
			for _, a := range page.Accounts {
				if string(a.Status) != "" && string(a.Status) != "ACTIVE" {
					continue
				}
				if string(a.State) != "" && string(a.State) != "ACTIVE" {
					continue
				}
				id := aws.ToString(a.Id)
				accounts = append(accounts, id)
				names[id] = aws.ToString(a.Name)
			}
		}
	} else {
		for _, a := range o.Accounts {
			if !vigil.IsAccountID(a) {
				return nil, nil, "", fmt.Errorf("--accounts: %q is not a 12-digit account id", a)
			}
			accounts = append(accounts, a)
		}
	}
	accounts = slices.DeleteFunc(accounts, func(a string) bool { return slices.Contains(o.Exclude, a) })
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	if len(accounts) == 0 {
		return nil, nil, "", errors.New("no account to audit (give --all or --accounts; --exclude-accounts removed the rest)")
	}
	return accounts, names, org, nil
}

// roleARN returns the audit role's ARN in account.
func (o *Options) roleARN(account string) string {
	if strings.HasPrefix(o.Role, "arn:") {
		return strings.ReplaceAll(o.Role, "%s", account)
	}
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", account, o.Role)
}

// auditAccount enters one account, collects and evaluates it.
func (o *Options) auditAccount(ctx context.Context, b *base, acct string, tools []tool) (auditreport.AccountRun, *inventory.Snapshot, []compliance.Result) {
	start := time.Now()
	ar := auditreport.AccountRun{Account: acct, Status: auditreport.AccountFailed}
	o.Progress(Event{Account: acct, Stage: "start"})
	fail := func(format string, args ...any) (auditreport.AccountRun, *inventory.Snapshot, []compliance.Result) {
		ar.Error = auditreport.Redact(fmt.Sprintf(format, args...))
		ar.Duration = time.Since(start)
		o.Log.Warn("account failed", "account", acct, "err", ar.Error)
		o.Progress(Event{Account: acct, Stage: "failed", Detail: ar.Error})
		return ar, nil, nil
	}
	role := o.roleARN(acct)
	prov := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(b.cfg), role, func(ro *stscreds.AssumeRoleOptions) {
		ro.RoleSessionName = o.SessionName
		ro.Duration = b.duration
		if o.ExternalID != "" {
			ro.ExternalID = aws.String(o.ExternalID)
		}
	})
	creds := aws.NewCredentialsCache(prov, func(co *aws.CredentialsCacheOptions) { co.ExpiryWindow = 5 * time.Minute })
	if _, err := creds.Retrieve(ctx); err != nil {
		msg := err.Error()
		if strings.Contains(msg, "DurationSeconds exceeds") || strings.Contains(msg, "role chaining") {
			return fail("cannot assume role %s: %v (a session made from another role session cannot exceed one hour: use --duration 1h)", role, err)
		}
		return fail("cannot assume role %s: %s", role, shortAPIError(err))
	}
	o.Log.Info("assumed role", "account", acct, "role", role)
	o.Progress(Event{Account: acct, Stage: "assumed"})
	cfg := b.cfg.Copy()
	cfg.Credentials = creds
	record := ""
	if o.Record != "" {
		record = filepath.Join(o.Record, acct)
	}
	snap, err := inventory.Collect(ctx, inventory.Options{
		AWS: cfg, Endpoint: o.Endpoint, Account: acct, Regions: o.Regions, GlobalRegion: o.GlobalRegion,
		Parallel: o.RegionParallel, RatePerService: o.RatePerService, Record: record, Now: o.Now(), Log: o.Log,
		Progress: func(done, total int) {
			o.Progress(Event{Account: acct, Stage: "collecting", Done: done, Total: total})
		},
	})
	if err != nil {
		if ctx.Err() != nil {
			return fail("interrupted")
		}
		return fail("collection failed: %s", shortAPIError(err))
	}
	ar.Regions, ar.Skipped, ar.Calls = snap.Regions, snap.Skipped, snap.CallCount()
	rs, err := compliance.Evaluate(compliance.NewAccount(acct, snap.Items), compliance.Options{
		Checks: o.Checks, Frameworks: o.Frameworks, Mutelist: o.Mutelist, Now: o.Now(), SnapshotID: snap.ID,
	})
	if err != nil {
		return fail("evaluate: %v", err)
	}
	o.Progress(Event{Account: acct, Stage: "evaluated", Detail: fmt.Sprintf("%d results", len(rs))})
	ar.Status = auditreport.AccountOK
	var problems []string
	if gaps := gapSummary(snap); gaps != "" {
		problems = append(problems, gaps)
	}
	for _, r := range slices.Sorted(maps.Keys(snap.Skipped)) {
		if strings.Contains(snap.Skipped[r], "answers as not enabled") || slices.Contains(o.Regions, r) {
			problems = append(problems, fmt.Sprintf("region %s skipped: %s", r, snap.Skipped[r]))
		}
	}
	for _, t := range tools {
		o.Progress(Event{Account: acct, Stage: "tool", Detail: t.name})
		if err := t.run(ctx, o, acct, creds, snap.Regions); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", t.name, err))
		}
	}
	if len(problems) > 0 {
		ar.Status = auditreport.AccountPartial
		ar.Error = auditreport.Redact(strings.Join(problems, "; "))
	}
	ar.Duration = time.Since(start)
	o.Log.Info("account audited", "account", acct, "status", ar.Status, "results", len(rs), "api_calls", ar.Calls, "took", ar.Duration.Round(time.Millisecond))
	o.Progress(Event{Account: acct, Stage: "done", Detail: ar.Status})
	return ar, snap, rs
}

// gapSummary describes the calls that failed during collection.
func gapSummary(snap *inventory.Snapshot) string {
	denied, failed := snap.FailedCalls()
	var parts []string
	if len(denied) > 0 {
		parts = append(parts, fmt.Sprintf("%d permissions denied: %s", len(denied), strings.Join(denied, ", ")))
	}
	if len(failed) > 0 {
		parts = append(parts, fmt.Sprintf("%d calls failed: %s", len(failed), strings.Join(failed, ", ")))
	}
	return strings.Join(parts, "; ")
}

func shortAPIError(err error) string {
	if code := inventory.ErrorCode(err); code != "" {
		msg := err.Error()
		if i := strings.Index(msg, "api error "); i >= 0 {
			return msg[i+len("api error "):]
		}
		return code
	}
	return err.Error()
}
