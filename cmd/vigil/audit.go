package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/audit"
	"github.com/vigil-sec/vigil/internal/auditreport"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
	"github.com/vigil-sec/vigil/internal/lake"
)

func init() { commands = append(commands, newAuditCmd) }

type auditOptions struct {
	aws            awsFlags
	all            bool
	accounts       []string
	exclude        []string
	role           string
	externalID     string
	sessionName    string
	mfaSerial      string
	mfaToken       string
	duration       time.Duration
	parallel       int
	regionParallel int
	rate           float64
	regions        []string
	globalRegion   string
	checks         []string
	frameworks     []string
	mutelist       string
	outputDir      string
	formats        []string
	failOn         string
	lake           string
	record         string
	tools          []string
	progress       bool
}

func newAuditCmd(a *app) *cobra.Command {
	var o auditOptions
	cmd := &cobra.Command{
		Use:   "audit (--all | --accounts ID,…) [--role NAME] [--parallel N]",
		Short: "Audit every account of an AWS Organization: collect, check, report",
		Long: `Assume the audit role in each account (--all: every active account of the organization), collect
its configuration in every enabled region, evaluate the compliance checks and write reports to
reports/<run-id>/: index.html (self-contained, filterable), results.json, results.csv,
results.asff.json (Security Hub), results.ocsf.json and compliance/<framework>.csv, plus run.log
(tail -f it from another terminal). Report files are readable by their owner only.

MFA: --mfa-serial with --mfa-token, or the code is asked once, on the terminal, for the whole
run; role sessions are refreshed before they expire. A session made from another role session
is limited by IAM to one hour; Vigil detects it and says so.

A missing role, denied calls, a disabled region or a crashed collector in one account are
recorded in the report with their reason; the other accounts go on. --tool prowler,scoutsuite
also runs those CLIs per account with the same credentials (reports/<run-id>/<tool>/<account>).

Exit status: 0 nothing failed, 3 a check failed at or above --fail-on, 1 the audit could not run.`,
		Example: `  vigil audit --all
  vigil audit --accounts 111122223333,444455556666 --mfa-serial arn:aws:iam::999988887777:mfa/me
  vigil audit --all --exclude-accounts 111122223333 --parallel 10 --frameworks cis-aws-7.0
  vigil audit --all --tool prowler,scoutsuite
  vigil audit --all --lake ./lake --record ./recordings`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	o.aws.register(f)
	f.BoolVar(&o.all, "all", false, "audit every active account of the organization")
	f.StringSliceVar(&o.accounts, "accounts", nil, "audit these accounts")
	f.StringSliceVar(&o.exclude, "exclude-accounts", nil, "leave these accounts out")
	f.StringVar(&o.role, "role", audit.DefaultRole, "role to assume in each account (name, or ARN with %s for the account)")
	f.StringVar(&o.externalID, "external-id", "", "external id the role's trust policy requires")
	f.StringVar(&o.sessionName, "session-name", "vigil-audit", "role session name (appears in the audited accounts' CloudTrail)")
	f.StringVar(&o.mfaSerial, "mfa-serial", "", "MFA device ARN; the run's session is signed with it once")
	f.StringVar(&o.mfaToken, "mfa-token", "", "MFA code (asked on the terminal when omitted)")
	f.DurationVar(&o.duration, "duration", time.Hour, "role session duration")
	f.IntVar(&o.parallel, "parallel", 4, "accounts audited at once")
	f.IntVar(&o.regionParallel, "region-parallel", 8, "collector × region tasks at once inside an account")
	f.Float64Var(&o.rate, "rate", 20, "maximum API calls per second per service per account (0: unlimited)")
	f.StringSliceVar(&o.regions, "regions", nil, "regions to scan (default: every enabled region)")
	f.StringVar(&o.globalRegion, "global-region", inventory.DefaultGlobalRegion, "region where global resources are collected")
	f.StringSliceVar(&o.checks, "checks", nil, "only these checks")
	f.StringSliceVar(&o.frameworks, "frameworks", nil, "only checks of these frameworks: "+strings.Join(compliance.Frameworks(), ", "))
	f.StringVar(&o.mutelist, "mutelist", "", "YAML file with a mutelist: section")
	f.StringVar(&o.outputDir, "output-dir", "reports", "folder for the run's report folder")
	f.StringSliceVar(&o.formats, "output-formats", nil, "report formats (default all): "+strings.Join(auditreport.Formats, ", "))
	f.StringVar(&o.failOn, "fail-on", "informational", "exit 3 when a check fails at or above this severity")
	f.StringVar(&o.lake, "lake", "", "also store the snapshots and results in this lake")
	f.StringVar(&o.record, "record", "", "record every API response under this folder, one subfolder per account")
	f.StringSliceVar(&o.tools, "tool", nil, "also run these tools per account: prowler, scoutsuite")
	f.BoolVar(&o.progress, "progress", true, "show progress on the terminal")
	return cmd
}

func runAudit(ctx context.Context, a *app, o auditOptions) error {
	if o.all == (len(o.accounts) > 0) {
		return usagef("give --all or --accounts (one of them)")
	}
	failOn, err := compliance.ParseSeverity(o.failOn)
	if err != nil {
		return usagef("--fail-on: %v", err)
	}
	if _, err := compliance.Select(compliance.Options{Checks: o.checks, Frameworks: o.frameworks}); err != nil {
		return usageError{err}
	}
	for _, f := range o.formats {
		if !slices.Contains(auditreport.Formats, f) {
			return usagef("--output-formats: unknown format %q (want %s)", f, strings.Join(auditreport.Formats, ", "))
		}
	}
	if o.mfaToken != "" && o.mfaSerial == "" {
		return usagef("--mfa-token needs --mfa-serial")
	}
	var mute *compliance.Mutelist
	if o.mutelist != "" {
		if mute, err = compliance.LoadMutelist(o.mutelist); err != nil {
			return usagef("--mutelist: %v", err)
		}
	}
	cfg, err := o.aws.config(ctx)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	runID := audit.RunID(now)
	dir := filepath.Join(o.outputDir, runID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(dir, "run.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	// run.log always gets plain lines; stderr gets the progress display on
	// a terminal, the same lines otherwise.
	runLog := slog.New(slog.NewTextHandler(logf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	tty := o.progress && isTerminal(a.stderr)
	display := newAuditDisplay(a.stderr, tty)
	log := runLog
	if !tty {
		log = slog.New(fanout{runLog.Handler(), slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo})})
	}
	opts := audit.Options{
		AWS: cfg, Endpoint: o.aws.opts, All: o.all, Accounts: o.accounts, Exclude: o.exclude,
		Role: o.role, ExternalID: o.externalID, SessionName: o.sessionName, Duration: o.duration,
		MFASerial: o.mfaSerial, MFAToken: o.mfaToken, Parallel: o.parallel, RegionParallel: o.regionParallel,
		RatePerService: o.rate, Regions: o.regions, GlobalRegion: o.globalRegion,
		Checks: o.checks, Frameworks: o.frameworks, Mutelist: mute, Record: o.record,
		Tools: o.tools, ToolDir: dir, Now: func() time.Time { return time.Now().UTC() }, Log: log,
		Progress: display.event,
	}
	if isTerminal(a.stderr) {
		opts.Prompt = promptTerminal
	}
	res, err := audit.Run(ctx, opts)
	if err != nil {
		runLog.Error("audit could not run", "err", err)
		return err
	}
	res.Run.ID = runID
	files, err := auditreport.Write(dir, res.Run, o.formats)
	if err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	if o.lake != "" {
		if err := storeAudit(ctx, a, o.lake, res); err != nil {
			return err
		}
	}
	printAuditSummary(a.stdout, res.Run, dir, files)
	entered := 0
	for _, ar := range res.Run.Accounts {
		if ar.Status != auditreport.AccountFailed {
			entered++
		}
	}
	if entered == 0 {
		return fmt.Errorf("no account could be audited (see %s)", filepath.Join(dir, "run.log"))
	}
	for _, r := range res.Run.Results {
		if r.Status == compliance.Fail && !r.Muted && r.Severity.Rank() >= failOn.Rank() {
			return &exitError{code: exitFindings, err: fmt.Errorf("checks failed at or above %s: see %s", failOn, filepath.Join(dir, "index.html"))}
		}
	}
	return nil
}

// storeAudit adds the run's snapshots and results to a lake.
func storeAudit(ctx context.Context, a *app, dir string, res *audit.Result) error {
	for _, snap := range res.Snapshots {
		if _, err := storeSnapshot(ctx, dir, snap, lake.ItemSourceAPI, nil, a); err != nil {
			return err
		}
	}
	l, err := lake.Open(dir, a.log)
	if err != nil {
		return err
	}
	defer l.Close()
	return l.WriteCompliance(res.Run.ID, res.Run.Results)
}

func printAuditSummary(w io.Writer, run *auditreport.Run, dir string, files []string) {
	counts := map[string]int{}
	for _, ar := range run.Accounts {
		counts[ar.Status]++
	}
	fmt.Fprintf(w, "audit %s: %d accounts (%d ok, %d partial, %d failed), %d results\n", run.ID, len(run.Accounts),
		counts[auditreport.AccountOK], counts[auditreport.AccountPartial], counts[auditreport.AccountFailed], len(run.Results))
	for _, ar := range run.Accounts {
		if ar.Status != auditreport.AccountOK {
			fmt.Fprintf(w, "  %s %s: %s\n", ar.Account, ar.Status, ar.Error)
		}
	}
	cells := compliance.Matrix(run.Results)
	for _, c := range cells {
		if c.Region == "*" {
			score := "-"
			if s := c.Score(); s >= 0 {
				score = fmt.Sprintf("%.0f%%", s)
			}
			fmt.Fprintf(w, "  %s score %s (%d failed)\n", c.Account, score, c.Counts[compliance.Fail])
		}
	}
	fmt.Fprintf(w, "reports: %s\n", dir)
	for _, f := range files {
		fmt.Fprintf(w, "  %s\n", f)
	}
}

// promptTerminal asks a question on the controlling terminal.
func promptTerminal(q string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("cannot ask for the MFA code: %w (give --mfa-token)", err)
	}
	defer tty.Close()
	fmt.Fprint(tty, q)
	line, err := bufio.NewReader(tty).ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// auditDisplay draws an overall and per-account progress display on a
// terminal; elsewhere it does nothing (log lines say the same).
type auditDisplay struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	state map[string]string
	done  int
	lines int
}

func newAuditDisplay(w io.Writer, tty bool) *auditDisplay {
	return &auditDisplay{w: w, tty: tty, state: map[string]string{}}
}

func (d *auditDisplay) event(e audit.Event) {
	if !d.tty {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	switch e.Stage {
	case "collecting":
		d.state[e.Account] = fmt.Sprintf("collecting %d/%d", e.Done, e.Total)
	case "done", "failed":
		delete(d.state, e.Account)
		d.done++
		if e.Stage == "failed" {
			fmt.Fprintf(d.w, "\r\033[K%s failed: %s\n", e.Account, e.Detail)
		}
	default:
		d.state[e.Account] = e.Stage + " " + e.Detail
	}
	d.redraw()
}

func (d *auditDisplay) redraw() {
	for i := 0; i < d.lines; i++ {
		fmt.Fprint(d.w, "\033[1A\033[K")
	}
	accts := make([]string, 0, len(d.state))
	for a := range d.state {
		accts = append(accts, a)
	}
	sort.Strings(accts)
	fmt.Fprintf(d.w, "accounts done: %d, in progress: %d\n", d.done, len(accts))
	for _, a := range accts {
		fmt.Fprintf(d.w, "  %s %s\n", a, d.state[a])
	}
	d.lines = 1 + len(accts)
}

// fanout sends log records to several handlers.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
