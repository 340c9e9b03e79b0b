package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/bench"
	"github.com/vigil-sec/vigil/internal/synth"
)

func init() { commands = append(commands, newBenchCmd) }

func newBenchCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure Vigil against a baseline run on the same data",
	}
	cmd.AddCommand(newBenchIngestCmd(a), newBenchPhaseCmd(a), newBenchFlowlogsCmd(a), newBenchAuditCmd(a), newBenchDetectCmd(a))
	return cmd
}

type benchOptions struct {
	events  int
	dir     string
	keep    bool
	queries int
	skipDB  bool

	s3Endpoint string
}

func newBenchIngestCmd(a *app) *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Ingest N synthetic events with Vigil and with DuckDB alone; print throughput, memory and the ratio",
		Long: `Generate an organization's CloudTrail (10 accounts x 2 regions x 10 days, S3 layout), then ingest
the same files twice, each in its own process: with DuckDB alone (read_json -> COPY ... PARTITION_BY)
and with Vigil. Prints events/s, MB/s of uncompressed JSON, peak memory, output size and the
ratios, then the latency of the seed's date counts and the saved queries on Vigil's lake.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			dir, self, cleanup, err := benchWorkspace(o.dir, o.keep)
			if err != nil {
				return err
			}
			defer cleanup()
			w := a.stdout
			src := filepath.Join(dir, "src")
			// The last ten days, so that the saved queries (last 30 days) have work.
			start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10)
			t0 := time.Now()
			gs, err := synth.Generate(ctx, synth.Options{
				Dir: src, Seed: 7, Accounts: 10, Regions: []string{"us-east-1", "eu-west-1"}, Start: start, Days: 10,
				EventsPerDay: max(o.events/200, 1), EventsPerFile: 1000, Compress: true, Digests: true,
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "generated %d events in %d files: %s JSON, %s gzip (%s)\n\n",
				gs.Events, gs.Files, mb(gs.RawBytes), mb(gs.Bytes), time.Since(t0).Round(time.Millisecond))
			engines := []string{"duckdb", "vigil"}
			if o.skipDB {
				engines = engines[1:]
			}
			results, err := runPhases(ctx, self, engines, src, dir)
			if err != nil {
				return err
			}
			v := printPhases(w, "events", results, gs.RawBytes)
			fmt.Fprintf(w, "vigil lake / gzip input: %.2fx\n", float64(v.OutBytes)/float64(gs.Bytes))
			if o.s3Endpoint != "" {
				ao := awsapi.Options{EndpointURL: o.s3Endpoint, Region: "us-east-1"}
				bucket := fmt.Sprintf("vigil-bench-%d", time.Now().UnixNano())
				t1 := time.Now()
				if err := bench.Upload(ctx, ao, src, bucket); err != nil {
					return err
				}
				fmt.Fprintf(w, "\nuploaded the files to s3://%s at %s (%s)\n", bucket, o.s3Endpoint, time.Since(t1).Round(time.Millisecond))
				r, err := bench.IngestChild(ctx, self, []string{"--lake", filepath.Join(dir, "out-s3"), "--endpoint-url", o.s3Endpoint, "--region", "us-east-1", "s3://" + bucket})
				if err != nil {
					return err
				}
				s := r.Duration.Seconds()
				fmt.Fprintf(w, "%-7s %10d %9.2f %10.0f %10.1f %10s\n", "s3", r.Events, s, float64(r.Events)/s, float64(gs.RawBytes)/(1<<20)/s, mb(r.PeakRSS))
				fmt.Fprintf(w, "S3 ingest / local ingest: %.2fx events/s\n", v.Duration.Seconds()/s)
				d, n, err := bench.DownloadAll(ctx, ao, bucket)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "the server alone: downloading every object (16 at a time) takes %.2f s (%s/s); S3 ingest / download-only: %.2fx\n",
					d.Seconds(), mb(int64(float64(n)/d.Seconds())), d.Seconds()/s)
			}
			if o.queries > 0 {
				qs, err := bench.Queries(ctx, filepath.Join(dir, "out-vigil"), start, o.queries)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "\nquery latency on vigil's lake (median of %d):\n", o.queries)
				for _, q := range qs {
					fmt.Fprintf(w, "  %-28s %8.1f ms  %6d rows\n", q.Name, float64(q.Median.Microseconds())/1000, q.Rows)
				}
			}
			if o.keep {
				fmt.Fprintf(w, "\nkept %s\n", dir)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.events, "events", 200_000, "events to generate (the issue's reference run uses 2000000)")
	f.StringVar(&o.dir, "dir", "", "work folder (default: a temporary one)")
	f.BoolVar(&o.keep, "keep", false, "keep the generated data and lakes")
	f.IntVar(&o.queries, "query-runs", 5, "runs per query for the latency table (0: skip)")
	f.BoolVar(&o.skipDB, "skip-duckdb", false, "skip the DuckDB baseline")
	f.StringVar(&o.s3Endpoint, "s3-endpoint", "", "also upload the files to this S3 endpoint (moto, MinIO) and ingest them from there")
	return cmd
}

func newBenchPhaseCmd(a *app) *cobra.Command {
	var engine, src, out string
	cmd := &cobra.Command{
		Use:    "phase",
		Short:  "One ingest phase of the benchmark (run by bench ingest in a child process)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return bench.RunPhase(cmd.Context(), engine, src, out, a.stdout)
		},
	}
	cmd.Flags().StringVar(&engine, "engine", "vigil", "vigil, duckdb, vigil-flow or duckdb-flow")
	cmd.Flags().StringVar(&src, "src", "", "input folder")
	cmd.Flags().StringVar(&out, "out", "", "output folder")
	return cmd
}

// runPhases runs one ingest phase per engine, each in a child process.
func runPhases(ctx context.Context, self string, engines []string, src, dir string) ([]bench.PhaseResult, error) {
	var results []bench.PhaseResult
	for _, engine := range engines {
		out := filepath.Join(dir, "out-"+engine)
		res, err := bench.Child(ctx, self, []string{"bench", "phase", "--engine", engine, "--src", src, "--out", out}, out)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	return results, nil
}

// printPhases prints the phases' table and, for two phases (the baseline
// first), their ratios; it returns the last (Vigil's) phase.
func printPhases(w io.Writer, unit string, results []bench.PhaseResult, rawBytes int64) bench.PhaseResult {
	fmt.Fprintf(w, "%-11s %10s %9s %10s %10s %10s %10s\n", "engine", unit, "seconds", unit+"/s", "MB/s(raw)", "peak RSS", "output")
	for _, r := range results {
		s := r.Duration.Seconds()
		fmt.Fprintf(w, "%-11s %10d %9.2f %10.0f %10.1f %10s %10s\n", r.Engine, r.Events, s, float64(r.Events)/s,
			float64(rawBytes)/(1<<20)/s, mb(r.PeakRSS), mb(r.OutBytes))
	}
	v := results[len(results)-1]
	if len(results) == 2 {
		d := results[0]
		fmt.Fprintf(w, "\nvigil / duckdb: %.2fx %s/s, %.2fx peak memory, %.2fx output size\n", d.Duration.Seconds()/v.Duration.Seconds(),
			unit, float64(v.PeakRSS)/float64(d.PeakRSS), float64(v.OutBytes)/float64(d.OutBytes))
	}
	return v
}

// benchWorkspace returns the benchmark's work folder (dir, or a new
// temporary one), the path of this executable (phases run in children)
// and a cleanup that removes the folder unless keep is set.
func benchWorkspace(dir string, keep bool) (string, string, func(), error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "vigil-bench-")
		if err != nil {
			return "", "", nil, err
		}
		dir = d
	}
	cleanup := func() {}
	if !keep {
		cleanup = func() { os.RemoveAll(dir) }
	}
	self, err := os.Executable()
	if err != nil {
		cleanup()
		return "", "", nil, err
	}
	return dir, self, cleanup, nil
}
