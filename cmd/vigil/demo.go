package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/queries"
	"github.com/vigil-sec/vigil/internal/report"
	"github.com/vigil-sec/vigil/internal/synth"
)

func init() { commands = append(commands, newDemoCmd) }

type demoOptions struct {
	dir      string
	accounts int
	days     int
	perDay   int
	flowDay  int
	seed     int64
	rows     int
	noAudit  bool
}

func newDemoCmd(a *app) *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate a small organization's CloudTrail and flow logs, ingest them and run the saved queries",
		Long: `Generate realistic CloudTrail and VPC Flow Logs for a small AWS organization (in the S3 delivery
layout of a central bucket), ingest them into a local lake, run every saved query and print the results.

The data lands in DIR/demo-data and the lake in DIR/vigil-lake; both can be explored afterwards
with the commands the demo prints. Re-running adds nothing new for the same day.

When moto_server (the AWS emulator, pip install 'moto[server]') is on the PATH, the demo also
starts it on loopback, seeds a small misconfigured organization, audits it with vigil audit
(reports in DIR/reports) and stores the snapshots and compliance results in the lake.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), a, o, time.Now().UTC())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", "vigil-demo", "folder for the demo data and lake")
	f.IntVar(&o.accounts, "accounts", 3, "member accounts")
	f.IntVar(&o.days, "days", 7, "days of CloudTrail, ending yesterday")
	f.IntVar(&o.perDay, "events-per-day", 2000, "events per account, region and day")
	f.IntVar(&o.flowDay, "flow-records-per-day", 2000, "flow-log records per account, region and day (0: no routine flow logs)")
	f.Int64Var(&o.seed, "seed", 1, "random seed (same seed, same data)")
	f.IntVar(&o.rows, "rows", 5, "rows to print per saved query")
	f.BoolVar(&o.noAudit, "no-audit", false, "skip the organization audit against a local AWS emulator (moto)")
	return cmd
}

func runDemo(ctx context.Context, a *app, o demoOptions, now time.Time) error {
	data, lakeDir := filepath.Join(o.dir, "demo-data"), filepath.Join(o.dir, "vigil-lake")
	start := now.Truncate(24*time.Hour).AddDate(0, 0, -o.days)
	w := a.stdout
	fmt.Fprintf(w, "== 1. Generating CloudTrail and VPC Flow Logs for %d accounts x 2 regions x %d days in %s\n", o.accounts, o.days, data)
	so := synth.Options{
		Dir: data, Seed: o.seed, Accounts: o.accounts, Regions: []string{"us-east-1", "eu-west-1"},
		Start: start, Days: o.days, EventsPerDay: o.perDay, EventsPerFile: 100, Compress: true, Digests: true,
		FlowLogs: true, FlowRecordsPerDay: o.flowDay,
	}
	gs, err := synth.Generate(ctx, so)
	if err != nil {
		return fmt.Errorf("generate demo data: %w", err)
	}
	fmt.Fprintf(w, "   CloudTrail: %d files, %d events, %s compressed\n", gs.Files, gs.Events, mb(gs.Bytes))
	fmt.Fprintf(w, "   flow logs:  %d files, %d records, %s compressed\n", gs.FlowFiles, gs.FlowRecords, mb(gs.FlowBytes))
	if plan, err := synth.FlowPlan(so); err == nil {
		fmt.Fprintln(w, "   planted in the flow logs:")
		for _, in := range plan {
			fmt.Fprintf(w, "     %s %s %-9s %-22s %s -> %s (%d records)\n", in.Start.Format("2006-01-02 15:04"), in.Account, in.Region,
				in.Kind, in.SrcAddr, in.DstAddr, in.Records)
		}
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "== 2. Ingesting into the lake %s\n   ", lakeDir)
	l, err := lake.Open(lakeDir, a.log)
	if err != nil {
		return err
	}
	en, closeGeo, err := openDetector(a, l, detectOptions{})
	if err != nil {
		l.Close()
		return err
	}
	defer closeGeo()
	stats, err := ingest.Dir(ctx, l, []string{data}, ingest.Options{
		Compact: true, Log: a.log,
		Detector: en, Accounts: en.AddAccounts,
		AfterRun: func() error { _, err := saveDetector(l, en); return err },
	})
	l.Close()
	if err != nil && !errors.Is(err, ingest.ErrSomeInputsFailed) {
		return err
	}
	printIngestSummary(w, stats)
	fmt.Fprint(w, "   ")
	printFindingsLine(w, en)
	fmt.Fprintln(w)

	eng, err := lake.OpenEngine(ctx, lakeDir)
	if err != nil {
		return err
	}
	defer eng.Close()
	fmt.Fprintln(w, "== 3. The seed's partition-pruned counts")
	for _, d := range []string{start.Format("2006"), start.Format("2006-01"), start.AddDate(0, 0, o.days/2).Format(time.DateOnly)} {
		q := fmt.Sprintf("select count(*) from auditing.cloudtrail where date > '%s'", d)
		res, err := eng.Query(ctx, q, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		fmt.Fprintf(w, "   %-70s -> %v\n", q, res.Rows[0][0])
	}
	fmt.Fprintln(w)

	for i, table := range []string{lake.TableCloudTrail, lake.TableFlowLogs} {
		fmt.Fprintf(w, "== %d. Saved queries on auditing.%s\n", 4+i, table)
		if err := demoQueries(ctx, w, eng, table, o.rows); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "== 6. Findings (GuardDuty's types and Vigil's), detected during the ingest")
	res, err := eng.Query(ctx, `select severity_label as severity, type, count(*) as findings, sum("count") as events
		from auditing.findings group by all order by max(severity) desc, type`, 0)
	if err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	if err := report.WriteRows(w, "table", res.Columns, res.Rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if !o.noAudit {
		if err := demoAudit(ctx, a, o.dir, lakeDir); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, `== Next
   vigil serve --lake %[1]s --reports %[2]s   # the console: findings, compliance, SQL, reports
   vigil compliance --lake %[1]s
   vigil findings --lake %[1]s --min-severity medium
   vigil query --lake %[1]s --list-saved
   vigil query --lake %[1]s --saved RootLogin30Days --format json
   vigil query --lake %[1]s --saved InstanceConversations --param target=<instance id, eni or IP>
   vigil query --lake %[1]s "select eventname, count(*) n from auditing.cloudtrail group by 1 order by 2 desc limit 10"
   vigil ingest --lake ./lake /path/to/your/AWSLogs      # your own CloudTrail and flow log bucket copy
   vigil lake ddl --engine athena --location s3://bucket/prefix   # the same lake on Athena
`, lakeDir, filepath.Join(o.dir, "reports"))
	return nil
}

// demoQueries runs the saved queries of table that need no parameter and
// prints the first rows of each.
func demoQueries(ctx context.Context, w io.Writer, eng *lake.Engine, table string, maxRows int) error {
	for _, q := range queries.All() {
		if needsParams(q) || q.Table != table {
			continue
		}
		sqlText, err := q.Bind(nil)
		if err != nil {
			return err
		}
		res, err := eng.Query(ctx, sqlText, 0)
		if err != nil {
			return fmt.Errorf("saved query %s: %w", q.Name, err)
		}
		fmt.Fprintf(w, "-- %s: %s (%d rows)\n", q.Name, q.Description, len(res.Rows))
		rows := res.Rows
		if len(rows) > maxRows {
			rows = rows[:maxRows]
		}
		if len(rows) > 0 {
			if err := report.WriteRows(w, "table", res.Columns, rows); err != nil {
				return err
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}

// needsParams reports whether a saved query has a parameter without default.
func needsParams(q queries.Query) bool {
	for _, p := range q.Params {
		if p.Default == "" {
			return true
		}
	}
	return false
}
