package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/report"
)

func init() { commands = append(commands, newComplianceCmd) }

var complianceFormats = []string{"table", "json", "csv"}

type complianceOptions struct {
	lake       string
	accounts   []string
	checks     []string
	frameworks []string
	mutelist   string
	format     string
	failOn     string
	listChecks bool
	noStore    bool
	changes    int
	lookback   time.Duration
}

func newComplianceCmd(a *app) *cobra.Command {
	var o complianceOptions
	cmd := &cobra.Command{
		Use:   "compliance --lake DIR [--frameworks cis-aws-7.0] [--fail-on high]",
		Short: "Evaluate the compliance checks over the newest snapshot in the lake",
		Long: `Evaluate the checks (CIS AWS Foundations v7.0 and AWS Config managed rules) over the newest
configuration snapshot of every account in the lake — whether it came from vigil inventory or
from Config's own snapshot and history files — store the results as auditing.compliance, and
print the aggregator view: status and score per account × region, the failing controls, what
newly failed since the previous evaluation, and for failing resources the CloudTrail events in
the lake that last changed them (who, when, from where).

Statuses: PASS, FAIL, NOT_APPLICABLE, ERROR (with the reason, e.g. a missing permission) and
MANUAL. --mutelist FILE mutes results by account, region, check, resource or tag; muted results
are reported as muted, not dropped.

Exit status 3 when an unmuted FAIL is at or above --fail-on (critical, high, medium, low).`,
		Example: `  vigil compliance --lake ./lake
  vigil compliance --lake ./lake --frameworks cis-aws-7.0 --fail-on high
  vigil compliance --lake ./lake --format json > results.json
  vigil compliance --list-checks`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCompliance(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lake, "lake", "", "lake directory")
	f.StringSliceVar(&o.accounts, "accounts", nil, "only these accounts")
	f.StringSliceVar(&o.checks, "checks", nil, "only these checks (see --list-checks)")
	f.StringSliceVar(&o.frameworks, "frameworks", nil, "only checks mapped to these frameworks: "+strings.Join(compliance.Frameworks(), ", "))
	f.StringVar(&o.mutelist, "mutelist", "", "YAML file with a mutelist: section")
	f.StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(complianceFormats, ", "))
	f.StringVar(&o.failOn, "fail-on", "", "exit 3 when a FAIL is at or above this severity")
	f.BoolVar(&o.listChecks, "list-checks", false, "list the checks and their framework controls, and exit")
	f.BoolVar(&o.noStore, "no-store", false, "do not store the results in the lake")
	f.IntVar(&o.changes, "changes", 20, "look up the last CloudTrail change of at most this many failing resources")
	f.DurationVar(&o.lookback, "changes-since", 90*24*time.Hour, "how far back to look for those changes")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(complianceFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runCompliance(ctx context.Context, a *app, o complianceOptions) error {
	if o.listChecks {
		return listChecks(a.stdout)
	}
	if o.lake == "" {
		return usagef("--lake is required")
	}
	if !slices.Contains(complianceFormats, o.format) {
		return usagef("unknown --format %q (want one of %s)", o.format, strings.Join(complianceFormats, ", "))
	}
	var failOn compliance.Severity
	if o.failOn != "" {
		s, err := compliance.ParseSeverity(o.failOn)
		if err != nil {
			return usagef("--fail-on: %v", err)
		}
		failOn = s
	}
	copts := compliance.Options{Checks: o.checks, Frameworks: o.frameworks, Now: time.Now()}
	if _, err := compliance.Select(copts); err != nil {
		return usageError{err}
	}
	if o.mutelist != "" {
		m, err := compliance.LoadMutelist(o.mutelist)
		if err != nil {
			return usagef("--mutelist: %v", err)
		}
		copts.Mutelist = m
	}
	eng, err := lake.OpenEngine(ctx, o.lake)
	if err != nil {
		return err
	}
	defer eng.Close()
	snaps, snapIDs, err := eng.SnapshotItems(ctx, o.accounts)
	if err != nil {
		return err
	}
	if len(snaps) == 0 {
		return fmt.Errorf("no configuration snapshot in %s: run vigil inventory --lake %s (or ingest Config's snapshot files) first", o.lake, o.lake)
	}
	prevRuns, err := eng.ComplianceRuns(ctx)
	if err != nil {
		return err
	}
	var prev []compliance.Result
	if n := len(prevRuns); n > 0 {
		if prev, err = eng.ComplianceResults(ctx, prevRuns[n-1]); err != nil {
			return err
		}
	}
	var results []compliance.Result
	for _, acct := range slices.Sorted(maps.Keys(snaps)) {
		copts.SnapshotID = snapIDs[acct]
		rs, err := compliance.Evaluate(compliance.NewAccount(acct, snaps[acct]), copts)
		if err != nil {
			return err
		}
		results = append(results, rs...)
	}
	runID := "eval-" + copts.Now.UTC().Format("20060102T150405.000Z")
	if !o.noStore {
		l, err := lake.Open(o.lake, a.log)
		if err != nil {
			return err
		}
		err = l.WriteCompliance(runID, results)
		if cerr := l.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	switch o.format {
	case "json":
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	case "csv":
		if err := writeResultsCSV(a.stdout, results); err != nil {
			return err
		}
	default:
		changes := lastChanges(ctx, eng, results, o.changes, o.lookback, a)
		printAggregator(a.stdout, results, compliance.NewlyFailing(prev, results), changes)
	}
	if failOn != "" {
		for _, r := range results {
			if r.Status == compliance.Fail && !r.Muted && r.Severity.Rank() >= failOn.Rank() {
				return &exitError{code: exitFindings, err: fmt.Errorf("checks failed at or above %s", failOn)}
			}
		}
	}
	return nil
}

// lastChanges looks up the CloudTrail events that last changed the worst
// failing resources; a lookup failure is logged, not fatal.
func lastChanges(ctx context.Context, eng *lake.Engine, rs []compliance.Result, limit int, since time.Duration, a *app) map[string]lake.Change {
	out := map[string]lake.Change{}
	if limit <= 0 {
		return out
	}
	fails := slices.Clone(rs)
	fails = slices.DeleteFunc(fails, func(r compliance.Result) bool {
		return r.Status != compliance.Fail || r.Muted || r.ResourceID == r.Account
	})
	slices.SortStableFunc(fails, func(x, y compliance.Result) int { return y.Severity.Rank() - x.Severity.Rank() })
	byAccount := map[string][]string{}
	n := 0
	for _, r := range fails {
		if n == limit {
			break
		}
		if !slices.Contains(byAccount[r.Account], r.ResourceID) {
			byAccount[r.Account] = append(byAccount[r.Account], r.ResourceID)
			n++
		}
	}
	for acct, ids := range byAccount {
		m, err := eng.LastChanges(ctx, acct, ids, since)
		if err != nil {
			a.log.Warn("cannot look up resource changes", "account", acct, "err", err)
			continue
		}
		for id, c := range m {
			out[acct+"/"+id] = c
		}
	}
	return out
}

func printAggregator(w io.Writer, rs []compliance.Result, newly []compliance.Result, changes map[string]lake.Change) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tREGION\tPASS\tFAIL\tERROR\tMANUAL\tN/A\tMUTED\tSCORE")
	for _, c := range compliance.Matrix(rs) {
		score := "-"
		if s := c.Score(); s >= 0 {
			score = fmt.Sprintf("%.0f%%", s)
		}
		region := c.Region
		if region == "*" {
			region = "(all)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", c.Account, region, c.Counts[compliance.Pass], c.Counts[compliance.Fail],
			c.Counts[compliance.Error], c.Counts[compliance.Manual], c.Counts[compliance.NotApplicable], c.Muted, score)
	}
	tw.Flush()

	failing := compliance.FailingChecks(rs)
	fmt.Fprintf(w, "\nfailing checks: %d\n", len(failing))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tCHECK\tCIS\tRESOURCES\tACCOUNTS")
	for _, f := range failing {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\n", f.Severity, f.CheckID, strings.Join(f.Controls["cis-aws-7.0"], ","), f.Resources, len(f.Accounts))
	}
	tw.Flush()

	if len(newly) > 0 {
		fmt.Fprintf(w, "\nnewly failing since the previous evaluation: %d\n", len(newly))
		for _, r := range newly {
			fmt.Fprintf(w, "  %s %s %s %s: %s\n", r.Account, r.Region, r.CheckID, r.ResourceID, r.Reason)
		}
	}

	var lines []string
	for _, r := range rs {
		c, ok := changes[r.Account+"/"+r.ResourceID]
		if !ok || r.Status != compliance.Fail || r.Muted {
			continue
		}
		lines = append(lines, fmt.Sprintf("  %s %s %s: %s by %s from %s at %s (event %s)", r.Account, r.CheckID, r.ResourceID,
			c.EventName, c.Principal, c.SourceIP, c.EventTime, c.EventID))
	}
	if len(lines) > 0 {
		fmt.Fprintf(w, "\nlast changed (CloudTrail events in the lake):\n%s\n", strings.Join(slices.Compact(lines), "\n"))
	}
}

// writeResultsCSV writes one row per result.
func writeResultsCSV(w io.Writer, rs []compliance.Result) error {
	cols := []string{"account", "region", "check_id", "resource_type", "resource_id", "status", "severity", "reason", "frameworks", "muted", "evaluated_at"}
	var rows [][]any
	for _, r := range rs {
		var fw []string
		for _, k := range slices.Sorted(maps.Keys(r.Frameworks)) {
			fw = append(fw, k+":"+strings.Join(r.Frameworks[k], "|"))
		}
		rows = append(rows, []any{r.Account, r.Region, r.CheckID, r.ResourceType, r.ResourceID, string(r.Status),
			string(r.Severity), r.Reason, strings.Join(fw, " "), r.Muted, r.EvaluatedAt.Format(time.RFC3339)})
	}
	return report.WriteRows(w, "csv", cols, rows)
}

func listChecks(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSEVERITY\tRESOURCE TYPE\tCIS\tCONFIG RULE\tTITLE")
	for _, c := range compliance.Checks() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.ResourceType,
			strings.Join(c.Frameworks["cis-aws-7.0"], ","), strings.Join(c.Frameworks["aws-config"], ","), c.Title)
	}
	return tw.Flush()
}
