package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/bench"
	"github.com/vigil-sec/vigil/internal/synth"
)

type benchFlowOptions struct {
	records int
	dir     string
	keep    bool
	skipDB  bool
}

func newBenchFlowlogsCmd(a *app) *cobra.Command {
	var o benchFlowOptions
	cmd := &cobra.Command{
		Use:   "flowlogs",
		Short: "Ingest N synthetic VPC Flow Logs records with Vigil and with DuckDB alone; print throughput, memory and the ratio",
		Long: `Generate an organization's VPC Flow Logs (10 accounts x 2 regions x 10 days, S3 layout, gzip, the
default format in half the accounts and a version 5 custom format in the others), then ingest the
same files twice, each in its own process: with DuckDB alone (read_csv per header with explicit types ->
COPY ... PARTITION_BY) and with Vigil. Prints records/s, MB/s of uncompressed text, peak memory,
output size and the ratios.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.records < 1 {
				return usagef("bench flowlogs: --records %d: want at least 1", o.records)
			}
			ctx := cmd.Context()
			dir, self, cleanup, err := benchWorkspace(o.dir, o.keep)
			if err != nil {
				return err
			}
			defer cleanup()
			w := a.stdout
			src := filepath.Join(dir, "src")
			start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10)
			t0 := time.Now()
			// No routine CloudTrail; its few planned records are not read.
			gs, err := synth.Generate(ctx, synth.Options{
				Dir: src, Seed: 7, Accounts: 10, Regions: []string{"us-east-1", "eu-west-1"}, Start: start, Days: 10,
				Compress: true, FlowLogs: true, FlowRecordsPerDay: max(o.records/200, 1),
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "generated %d flow records in %d files: %s text, %s gzip (%s)\n\n",
				gs.FlowRecords, gs.FlowFiles, mb(gs.FlowRawBytes), mb(gs.FlowBytes), time.Since(t0).Round(time.Millisecond))
			engines := []string{bench.EngineDuckDBFlow, bench.EngineVigilFlow}
			if o.skipDB {
				engines = engines[1:]
			}
			results, err := runPhases(ctx, self, engines, src, dir)
			if err != nil {
				return err
			}
			v := printPhases(w, "records", results, gs.FlowRawBytes)
			fmt.Fprintf(w, "vigil lake / gzip input: %.2fx\n", float64(v.OutBytes)/float64(gs.FlowBytes))
			if o.keep {
				fmt.Fprintf(w, "\nkept %s\n", dir)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.records, "records", 1_000_000, "routine flow-log records to generate (planned patterns come on top)")
	f.StringVar(&o.dir, "dir", "", "work folder (default: a temporary one)")
	f.BoolVar(&o.keep, "keep", false, "keep the generated data and lakes")
	f.BoolVar(&o.skipDB, "skip-duckdb", false, "skip the DuckDB baseline")
	return cmd
}
