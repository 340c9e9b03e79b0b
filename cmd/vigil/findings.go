package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/console/triage"
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/catalog"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/report"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { commands = append(commands, newFindingsCmd) }

// findingFormats are the formats of vigil findings.
var findingFormats = []string{"table", "json", "asff"}

type findingsOptions struct {
	lake        string
	format      string
	minSeverity string
	types       []string
	accounts    []string
	archived    bool
}

func newFindingsCmd(a *app) *cobra.Command {
	var o findingsOptions
	cmd := &cobra.Command{
		Use:   "findings --lake DIR [--format table|json|asff] [--min-severity S] [--type T] [--account A]",
		Short: "List the threat findings stored in the lake",
		Long: `List the findings vigil detect (and ingest) stored in the lake, one view across every account and
region, highest severity first. Archived findings (matched by a suppression rule) are left out
unless --archived is given. The same findings are queryable as auditing.findings.

Formats: table; json, an array of findings in GuardDuty's JSON shape plus Vigil's evidence (the
event IDs and a query over auditing.cloudtrail); asff, an array of AWS Security Finding Format
findings, ready for aws securityhub batch-import-findings --findings file://findings.json.

--min-severity takes low, medium, high, critical (GuardDuty's bands) or a number from 1 to 10.
--type takes a finding type, '*' matching any text ("Recon:*"); --type and --account repeat.`,
		Example: `  vigil findings --lake ./lake
  vigil findings --lake ./lake --min-severity high --format json
  vigil findings --lake ./lake --type 'Stealth:*' --account 111122223333
  vigil findings --lake ./lake --format asff > asff.json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runFindings(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lake, "lake", "", "lake directory")
	f.StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(findingFormats, ", "))
	f.StringVar(&o.minSeverity, "min-severity", "", "only findings at or above: low, medium, high, critical or 1-10")
	f.StringArrayVar(&o.types, "type", nil, "only findings of this type; '*' is a wildcard (repeatable)")
	f.StringArrayVar(&o.accounts, "account", nil, "only findings of this account (repeatable)")
	f.BoolVar(&o.archived, "archived", false, "include archived findings")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(findingFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("min-severity", cobra.FixedCompletions([]string{"low", "medium", "high", "critical"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("type", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var types []string
		for _, d := range catalog.All() {
			types = append(types, d.Type+"\t"+d.Title)
		}
		return types, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func runFindings(_ context.Context, a *app, o findingsOptions) error {
	if o.lake == "" {
		return usagef("--lake is required")
	}
	if !slices.Contains(findingFormats, o.format) {
		return usagef("unknown --format %q (want one of %s)", o.format, strings.Join(findingFormats, ", "))
	}
	var min vigil.Severity
	if o.minSeverity != "" {
		s, err := vigil.ParseSeverity(o.minSeverity)
		if err != nil {
			return usagef("--min-severity: %w", err)
		}
		min = s
	}
	all, err := lake.ReadFindings(o.lake)
	if err != nil {
		return err
	}
	// Archive decisions and suppression rules made in the console.
	st, err := triage.Load(o.lake)
	if err != nil {
		return err
	}
	st.Apply(all)
	var out []vigil.Finding
	for _, f := range all {
		switch {
		case f.Service.Archived && !o.archived,
			f.Severity < min,
			len(o.types) > 0 && !matchesAny(o.types, f.Type),
			len(o.accounts) > 0 && !slices.Contains(o.accounts, f.AccountID):
			continue
		}
		out = append(out, f)
	}
	detect.SortFindings(out)
	switch o.format {
	case "json":
		if out == nil {
			out = []vigil.Finding{}
		}
		return writeJSON(a, out)
	case "asff":
		reg, err := catalog.Registry()
		if err != nil {
			return err
		}
		asff := make([]detect.ASFFFinding, 0, len(out))
		for i := range out {
			asff = append(asff, detect.ToASFF(&out[i], reg))
		}
		return writeJSON(a, asff)
	}
	return writeFindingsTable(a, out)
}

func writeJSON(a *app, v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeFindingsTable lists findings one per line.
func writeFindingsTable(a *app, fs []vigil.Finding) error {
	rows := make([][]any, 0, len(fs))
	for _, f := range fs {
		sev := fmt.Sprintf("%s %g", f.Severity.Label(), float64(f.Severity))
		if f.Service.Archived {
			sev += " (archived)"
		}
		rows = append(rows, []any{sev, f.Type, f.Service.Count, f.AccountID, f.Region, f.Service.EventLastSeen, detect.ResourceName(&f), f.Title})
	}
	return report.WriteRows(a.stdout, "table", []string{"severity", "type", "count", "account", "region", "last_seen", "resource", "title"}, rows)
}

// matchesAny reports whether s matches one of the patterns, where '*'
// matches any text.
func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if detect.Wildcard(p, s) {
			return true
		}
	}
	return false
}
