package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/catalog"
	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/synth"
	"github.com/vigil-sec/vigil/internal/vigil"
)

type benchDetectOptions struct {
	events  int
	records int
	dir     string
	keep    bool
}

func newBenchDetectCmd(a *app) *cobra.Command {
	var o benchDetectOptions
	cmd := &cobra.Command{
		Use:   "detect",
		Short: "Measure detection: its overhead on ingest, and a retro-hunt's events/s against a bare scan of the lake",
		Long: `Generate an organization's CloudTrail and VPC Flow Logs (10 accounts x 2 regions x 10 days, S3
layout, gzip), then, in this process:

  1. ingest them without detections (the baseline), then into a second lake with every detection
     inline, as vigil ingest does: the overhead of detection on ingest time;
  2. scan the lake's CloudTrail events and flow-log records with an empty callback (the baseline),
     then through every detection, as vigil detect does: events/s and the ratio;
  3. report the detections' saved state and the heap they hold after the run.

Throughput depends on the machine and on what else runs on it; the ratios are measured in the same
run, on the same data.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.events < 1 || o.records < 0 {
				return usagef("bench detect: --events %d, --records %d: want at least 1 event", o.events, o.records)
			}
			dir, _, cleanup, err := benchWorkspace(o.dir, o.keep)
			if err != nil {
				return err
			}
			defer cleanup()
			return runBenchDetect(cmd.Context(), a, dir, o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.events, "events", 200_000, "CloudTrail events to generate (the issue's reference run uses 2000000)")
	f.IntVar(&o.records, "records", 200_000, "flow-log records to generate (0: none)")
	f.StringVar(&o.dir, "dir", "", "work folder (default: a temporary one)")
	f.BoolVar(&o.keep, "keep", false, "keep the generated data and lakes")
	return cmd
}

func runBenchDetect(ctx context.Context, a *app, dir string, o benchDetectOptions) error {
	defer batchGC()() // as vigil ingest and vigil detect run
	w := a.stdout
	src := filepath.Join(dir, "src")
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10)
	t0 := time.Now()
	gs, err := synth.Generate(ctx, synth.Options{
		Dir: src, Seed: 7, Accounts: 10, Regions: []string{"us-east-1", "eu-west-1"}, Start: start, Days: 10,
		EventsPerDay: max(o.events/200, 1), EventsPerFile: 1000, Compress: true,
		FlowLogs: o.records > 0, FlowRecordsPerDay: o.records / 200,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "generated %d events and %d flow records (%s)\n\n", gs.Events, gs.FlowRecords, time.Since(t0).Round(time.Millisecond))

	// 1. Ingest, without and with detections.
	plain, _, err := benchIngest(ctx, src, filepath.Join(dir, "lake-plain"), false)
	if err != nil {
		return err
	}
	inline, en, err := benchIngest(ctx, src, filepath.Join(dir, "lake-detect"), true)
	if err != nil {
		return err
	}
	records := float64(gs.Events + gs.FlowRecords)
	fmt.Fprintf(w, "%-28s %9s %12s\n", "ingest", "seconds", "records/s")
	fmt.Fprintf(w, "%-28s %9.2f %12.0f\n", "without detections", plain.Seconds(), records/plain.Seconds())
	fmt.Fprintf(w, "%-28s %9.2f %12.0f\n", "with detections inline", inline.Seconds(), records/inline.Seconds())
	fmt.Fprintf(w, "detection overhead on ingest: %+.1f %% (%d findings)\n\n", 100*(inline.Seconds()/plain.Seconds()-1), en.Stats().Findings)

	// 2. Retro-hunt over the lake: bare scans, then through the detections.
	lk := filepath.Join(dir, "lake-plain")
	scanAll, err := benchScan(ctx, lk, nil, true, false)
	if err != nil {
		return err
	}
	scanCT, err := benchScan(ctx, lk, nil, true, true)
	if err != nil {
		return err
	}
	en2, err := benchEngine(lk)
	if err != nil {
		return err
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	detectCT, err := benchScan(ctx, lk, en2, true, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%-40s %9s %12s\n", "retro-hunt", "seconds", "records/s")
	printScan(w, "cloudtrail scan alone, every column", scanAll, gs.Events)
	printScan(w, "cloudtrail scan alone, detection's", scanCT, gs.Events)
	printScan(w, "cloudtrail scan + detect", detectCT, gs.Events)
	fmt.Fprintf(w, "detect / bare scan of every column: %.2fx the time; / of detection's columns: %.2fx\n",
		detectCT.Seconds()/scanAll.Seconds(), detectCT.Seconds()/scanCT.Seconds())
	if gs.FlowRecords > 0 {
		scanFlow, err := benchScan(ctx, lk, nil, false, false)
		if err != nil {
			return err
		}
		detectFlow, err := benchScan(ctx, lk, en2, false, false)
		if err != nil {
			return err
		}
		printScan(w, "flow-log scan alone", scanFlow, gs.FlowRecords)
		printScan(w, "flow-log scan + detect", detectFlow, gs.FlowRecords)
		fmt.Fprintf(w, "detect / bare scan: %.2fx the time\n", detectFlow.Seconds()/scanFlow.Seconds())
	}
	// The command as a user runs it: state and findings loaded and saved,
	// CloudTrail and flow logs scanned.
	var out strings.Builder
	t1 := time.Now()
	if err := runDetect(ctx, &app{stdout: &out, stderr: io.Discard, log: a.log}, detectOptions{lake: lk}); err != nil {
		return err
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	fmt.Fprintf(w, "vigil detect --lake (end to end, %s): %s\n", time.Since(t1).Round(time.Millisecond), first)
	en2.Flush()

	// 3. State.
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	st := &detect.MemState{}
	if err := en2.SaveState(st); err != nil {
		return err
	}
	m, _ := st.LoadState()
	saved := 0
	for _, raw := range m {
		saved += len(raw)
	}
	fmt.Fprintf(w, "\ndetection state: %s saved, %s of heap held after the retro-hunt (findings included); %d findings\n",
		mb(int64(saved)), mb(int64(after.HeapAlloc)-int64(before.HeapAlloc)), en2.Stats().Findings)
	if o.keep {
		fmt.Fprintf(w, "\nkept %s\n", dir)
	}
	return nil
}

func printScan(w io.Writer, name string, d time.Duration, n int) {
	fmt.Fprintf(w, "%-40s %9.2f %12.0f\n", name, d.Seconds(), float64(n)/d.Seconds())
}

// benchIngest ingests src into a new lake, with the detections inline or
// not, and returns the time it took.
func benchIngest(ctx context.Context, src, dir string, detections bool) (time.Duration, *detect.Engine, error) {
	l, err := lake.Open(dir, nil)
	if err != nil {
		return 0, nil, err
	}
	defer l.Close()
	opts := ingest.Options{}
	var en *detect.Engine
	if detections {
		if en, err = benchEngine(dir); err != nil {
			return 0, nil, err
		}
		opts.Detector, opts.Accounts = en, en.AddAccounts
	}
	start := time.Now()
	if _, err := ingest.Dir(ctx, l, []string{src}, opts); err != nil {
		return 0, nil, err
	}
	if en != nil {
		en.Flush()
		if err := l.WriteFindings(en.Findings()); err != nil {
			return 0, nil, err
		}
	}
	return time.Since(start), en, nil
}

// benchEngine returns an engine of every detection with the lake's
// accounts as the organization's.
func benchEngine(lk string) (*detect.Engine, error) {
	reg, err := detect.NewRegistry(catalog.All()...)
	if err != nil {
		return nil, err
	}
	en, err := detect.New(reg, nil, detect.Options{})
	if err != nil {
		return nil, err
	}
	accounts, err := lake.CloudTrailAccounts(lk)
	if err != nil {
		return nil, err
	}
	en.AddAccounts(accounts)
	return en, nil
}

// benchScan scans the lake's CloudTrail (or flow logs) into en, or into
// an empty callback when en is nil; projected limits a CloudTrail scan to
// the detections' columns, as vigil detect does.
func benchScan(ctx context.Context, lk string, en *detect.Engine, cloudtrail, projected bool) (time.Duration, error) {
	start := time.Now()
	var err error
	if cloudtrail {
		opts := []lake.ScanOption{lake.Concurrently()}
		if projected {
			opts = append(opts, lake.Columns(detect.EventColumns...))
		}
		err = lake.ScanCloudTrail(ctx, lk, "", "", func(e *vigil.Event, p vigil.Partition) error {
			if en != nil {
				en.Event(e, p)
			}
			return nil
		}, opts...)
	} else {
		err = lake.ScanFlowLogs(ctx, lk, "", "", func(r *vigil.FlowRecord, p vigil.Partition) error {
			if en != nil {
				en.Flow(r, p)
			}
			return nil
		}, lake.Concurrently())
	}
	return time.Since(start), err
}
