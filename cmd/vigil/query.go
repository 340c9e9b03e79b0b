package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/queries"
	"github.com/vigil-sec/vigil/internal/report"
)

func init() { commands = append(commands, newQueryCmd) }

type queryOptions struct {
	lake      string
	format    string
	saved     string
	params    []string
	listSaved bool
	showSQL   bool
	maxRows   int
}

func newQueryCmd(a *app) *cobra.Command {
	var o queryOptions
	cmd := &cobra.Command{
		Use:   "query --lake DIR [SQL | --saved NAME | --list-saved]",
		Short: "Run SQL (Athena/Trino dialect) over the lake",
		Long: `Run SQL over the lake's tables with embedded DuckDB, as Athena would.

Tables: auditing.cloudtrail (AWS's documented Athena CloudTrail columns, plus the partition
columns account, region and date, all strings: date > '2020-10' compares strings and reads only
the matching partitions). Common Trino functions work unchanged (json_extract_scalar,
from_iso8601_timestamp, to_iso8601, date_parse, approx_distinct, element_at, cardinality,
regexp_like, CROSS JOIN UNNEST, ...); see docs/sql.md.`,
		Example: `  vigil query --lake ./lake "select count(*) from auditing.cloudtrail where date > '2020-10'"
  vigil query --lake ./lake --saved RootLogin30Days
  vigil query --lake ./lake --saved AccessKeyActivity --param accesskey=AKIA...
  vigil query --lake ./lake --list-saved`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runQuery(cmd.Context(), a, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lake, "lake", "", "lake directory")
	f.StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(report.Formats, ", "))
	f.StringVar(&o.saved, "saved", "", "run a saved query by name")
	f.StringArrayVar(&o.params, "param", nil, "saved query parameter name=value (repeatable)")
	f.BoolVar(&o.listSaved, "list-saved", false, "list the saved queries")
	f.BoolVar(&o.showSQL, "show-sql", false, "print the SQL of --saved instead of running it")
	f.IntVar(&o.maxRows, "max-rows", 0, "stop after this many rows (0: all)")
	cmd.RegisterFlagCompletionFunc("saved", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, q := range queries.All() {
			names = append(names, q.Name+"\t"+q.Description)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runQuery(ctx context.Context, a *app, o queryOptions, args []string) error {
	if o.listSaved {
		var rows [][]any
		for _, q := range queries.All() {
			var ps []string
			for _, p := range q.Params {
				ps = append(ps, p.Name)
			}
			rows = append(rows, []any{q.Name, q.Description, strings.Join(ps, ",")})
		}
		return report.WriteRows(a.stdout, o.format, []string{"name", "description", "params"}, rows)
	}
	var sqlText string
	switch {
	case o.saved != "" && len(args) > 0:
		return usagef("give either SQL or --saved, not both")
	case o.saved != "":
		q, err := queries.Get(o.saved)
		if err != nil {
			return usageError{err}
		}
		values := map[string]string{}
		for _, p := range o.params {
			k, v, ok := strings.Cut(p, "=")
			if !ok {
				return usagef("--param %q: want name=value", p)
			}
			values[k] = v
		}
		if sqlText, err = q.Bind(values); err != nil {
			return usageError{err}
		}
		if o.showSQL {
			_, err := fmt.Fprintln(a.stdout, sqlText)
			return err
		}
	case len(args) == 1:
		sqlText = args[0]
	default:
		return usagef("give a SQL statement, --saved NAME or --list-saved")
	}
	if o.lake == "" {
		return usagef("--lake is required")
	}
	if info, err := os.Stat(o.lake); err != nil || !info.IsDir() {
		return usagef("--lake %s: no such lake folder (create one with vigil ingest)", o.lake)
	}
	if !validFormat(o.format) {
		return usagef("unknown --format %q (want one of %s)", o.format, strings.Join(report.Formats, ", "))
	}
	eng, err := lake.OpenEngine(ctx, o.lake)
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := eng.Query(ctx, sqlText, o.maxRows)
	if err != nil {
		return err
	}
	if err := report.WriteRows(a.stdout, o.format, res.Columns, res.Rows); err != nil {
		return err
	}
	if res.Truncated {
		fmt.Fprintf(a.stderr, "(stopped after %d rows: --max-rows)\n", o.maxRows)
	}
	return nil
}

func validFormat(f string) bool {
	for _, v := range report.Formats {
		if v == f {
			return true
		}
	}
	return false
}
