package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/vigil-sec/vigil/internal/console"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/flowlogs"
	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/source"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { commands = append(commands, newIngestCmd) }

// exitPartial is ingest's exit code when the run completed but some inputs
// or records could not be ingested.
const exitPartial = 4

type ingestOptions struct {
	lake      string
	workers   int
	json      bool
	noCompact bool
	progress  bool
	flowFmt   string
	watch     bool
	interval  time.Duration
	aws       awsFlags
	accounts  []string
	regions   []string
	since     string
	until     string
	downloads int
	sqsURL    string
	noDetect  bool
	detect    detectOptions
}

func newIngestCmd(a *app) *cobra.Command {
	var o ingestOptions
	cmd := &cobra.Command{
		Use:   "ingest --lake DIR SOURCE...",
		Short: "Ingest CloudTrail and VPC Flow Logs into the lake",
		Long: `Ingest CloudTrail logs and VPC Flow Logs from files and folders into the lake's Parquet tables
(auditing.cloudtrail and auditing.flowlogs).

PATH may be a copy of a central CloudTrail bucket (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/,
also the organization-trail layout AWSLogs/<o-id>/<account>/...), or any folder of CloudTrail
files: {"Records":[...]} files (.json or .json.gz), JSON arrays, JSON lines, CloudWatch Logs
exports and subscription messages. VPC Flow Logs: AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/
and the Hive-compatible aws-account-id=/aws-service=vpcflowlogs/... layout, text (any field order,
named by the header line; --flow-format for inputs without one) or Parquet. Files outside these
layouts are recognised by content. Digest files are skipped. Files already ingested are
skipped, so re-running adds only new files; an interrupted run can simply be run again.

Exit codes: 0 all inputs ingested, 1 the run failed, 2 bad usage, 4 the run completed but some
inputs or records could not be ingested (listed in the summary).`,
		Example: "  vigil ingest --lake ./lake ./AWSLogs\n  vigil ingest --lake ./lake --json export.jsonl",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.lake == "" {
				return usagef("--lake is required")
			}
			if len(args) == 0 && o.sqsURL == "" {
				return usagef("give at least one source (a path, s3://bucket/prefix or cwlogs://group), or --watch --sqs-queue-url")
			}
			if o.sqsURL != "" && !o.watch {
				return usagef("--sqs-queue-url needs --watch")
			}
			return runIngest(cmd.Context(), a, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lake, "lake", "", "lake directory (created if missing), or s3://bucket/prefix to write the tables to S3 for Athena/Trino")
	o.aws.register(f)
	f.StringSliceVar(&o.accounts, "accounts", nil, "S3 sources: only these account ids")
	f.StringSliceVar(&o.regions, "regions", nil, "S3 sources: only these regions")
	f.StringVar(&o.since, "since", "", "S3 and CloudWatch Logs sources: from this UTC day (YYYY-MM-DD)")
	f.StringVar(&o.until, "until", "", "S3 and CloudWatch Logs sources: up to this UTC day, included")
	f.IntVar(&o.downloads, "parallel-downloads", 16, "S3 sources: prefixes listed and objects fetched at once")
	f.BoolVar(&o.noDetect, "no-detect", false, "do not run detections inline (they run by default on local lakes)")
	registerDetectContext(f, &o.detect)
	f.StringVar(&o.sqsURL, "sqs-queue-url", "", "with --watch: also ingest the objects announced by S3 event notifications on this SQS queue")
	f.IntVar(&o.workers, "workers", 0, "parallel decoders (default: number of CPUs)")
	f.BoolVar(&o.json, "json", false, "print the summary as JSON")
	f.BoolVar(&o.noCompact, "no-compact", false, "do not merge small files of the partitions touched")
	f.BoolVar(&o.progress, "progress", true, "show a progress bar when stderr is a terminal")
	f.BoolVar(&o.watch, "watch", false, "keep polling the sources and ingest new inputs as they appear (stop with Ctrl-C)")
	f.DurationVar(&o.interval, "interval", time.Minute, "with --watch, the time between polls")
	f.StringVar(&o.flowFmt, "flow-format", "", "flow-log format of inputs without a header, e.g. '${version} ${account-id} ...' (default: AWS's version 2 format)")
	return cmd
}

func runIngest(ctx context.Context, a *app, o ingestOptions, paths []string) error {
	defer batchGC()()
	var flowFormat []vigil.FlowField
	if o.flowFmt != "" {
		f, err := flowlogs.ParseFormat(o.flowFmt)
		if err != nil {
			return usagef("--flow-format: %w", err)
		}
		flowFormat = f
	}
	l, err := openLake(ctx, o.lake, &o.aws, a.log)
	if err != nil {
		return err
	}
	defer l.Close()
	known, err := ingest.LoadKnown(l)
	if err != nil {
		return err
	}
	src, err := sources(ctx, paths, l, &o, known)
	if err != nil {
		return err
	}
	opts := ingest.Options{
		Known:      known,
		Prefetch:   prefetch(paths, o.downloads),
		Workers:    o.workers,
		Compact:    !o.noCompact,
		Log:        a.log,
		FlowFormat: flowFormat,
	}
	var en *detect.Engine
	if !o.noDetect && !l.Remote() {
		var closeGeo func()
		if en, closeGeo, err = openDetector(a, l, o.detect); err != nil {
			return err
		}
		defer closeGeo()
		opts.Detector = en
		opts.Accounts = en.AddAccounts
		opts.AfterRun = func() error {
			_, err := saveDetector(l, en)
			return err
		}
	}
	if o.watch {
		return watch(ctx, a, l, src, opts, o)
	}
	prog := &ingest.Progress{}
	stop := func() {}
	if o.progress && !o.json && isTerminal(a.stderr) {
		stop = showProgress(a.stderr, prog)
	}
	opts.Progress = prog
	stats, err := ingest.Run(ctx, l, src, opts)
	stop()
	partial := errors.Is(err, ingest.ErrSomeInputsFailed)
	if err != nil && !partial {
		return err
	}
	recordRun(a, l, stats)
	if o.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(stats); err != nil {
			return err
		}
	} else {
		printIngestSummary(a.stdout, stats)
		if en != nil {
			printFindingsLine(a.stdout, en)
		}
	}
	if partial {
		return &exitError{code: exitPartial, err: fmt.Errorf("%d input(s) failed and %d bad record(s) were skipped; see the summary", stats.Failed, stats.BadRecords)}
	}
	return nil
}

func printIngestSummary(w io.Writer, s ingest.Stats) {
	fmt.Fprintf(w, "ingested %d files, %d events, %d flow records (%s raw, %s stored) in %s: %.0f records/s, %s/s; %d failed, %d bad records; skipped %d already ingested, %d digests, %d other logs\n",
		s.Files, s.Events, s.FlowRecords, mb(s.RawBytes), mb(s.Bytes), s.Duration.Round(time.Millisecond), s.EventsPerSecond(),
		mb(int64(float64(s.RawBytes)/max(s.Duration.Seconds(), 1e-9))), s.Failed, s.BadRecords, s.AlreadyDone, s.Digests, s.Ignored)
	for _, e := range s.Errors {
		kind := "input failed"
		if e.Record {
			kind = "bad record"
		}
		fmt.Fprintf(w, "  %s: %s: %s\n", kind, e.File, e.Error)
	}
	if s.ErrorsOmitted > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", s.ErrorsOmitted)
	}
}

func mb(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
}

// showProgress draws a progress bar over input bytes until the returned
// function is called.
func showProgress(w io.Writer, p *ingest.Progress) func() {
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("ingesting"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				bar.Finish()
				return
			case <-t.C:
				if total := p.TotalBytes.Load(); total > 0 {
					bar.ChangeMax64(total)
				}
				bar.Describe(fmt.Sprintf("ingesting %d/%d files, %d events", p.Files.Load(), p.TotalFiles.Load(), p.Events.Load()))
				bar.Set64(p.Bytes.Load())
			}
		}
	}()
	return func() { close(done); <-finished }
}

// sources turns command-line arguments into one lister: local paths,
// s3://bucket/prefix and cwlogs://<log group>.
func sources(ctx context.Context, args []string, l *lake.Lake, o *ingestOptions, known *ingest.Known) (source.Lister, error) {
	var m source.Multi
	var local []string
	since, until, err := o.window()
	if err != nil {
		return nil, err
	}
	for _, a := range args {
		switch {
		case strings.HasPrefix(a, "s3://"):
			bucket, prefix, err := source.ParseS3URL(a)
			if err != nil {
				return nil, usageError{err}
			}
			cfg, err := o.aws.config(ctx)
			if err != nil {
				return nil, err
			}
			m = append(m, &source.S3{
				Client: awsapi.S3Client(cfg, o.aws.opts), Bucket: bucket, Prefix: prefix,
				Accounts: o.accounts, Regions: o.regions, Since: since, Until: until,
				Services:    []string{"CloudTrail", "CloudTrail-Insight", "vpcflowlogs"},
				StartAfter:  known.S3StartAfter,
				Concurrency: o.downloads,
			})
		case strings.HasPrefix(a, "cwlogs://"):
			group, err := source.ParseCWLogsURL(a)
			if err != nil {
				return nil, usageError{err}
			}
			cfg, err := o.aws.config(ctx)
			if err != nil {
				return nil, err
			}
			m = append(m, &source.CloudWatchLogs{
				Client: awsapi.CloudWatchLogsClient(cfg, o.aws.opts), Group: group, Region: cfg.Region,
				Since: since, Until: until, StartAfter: known.CWLStartAfter(group),
			})
		case strings.Contains(a, "://"):
			return nil, usagef("%s: unsupported source (want a path, s3://bucket/prefix or cwlogs://group)", a)
		default:
			if _, err := os.Stat(a); err != nil {
				return nil, usageError{err}
			}
			local = append(local, a)
		}
	}
	if len(local) > 0 {
		skip := []string{}
		if !l.Remote() {
			skip = append(skip, l.Dir())
		}
		m = append(m, source.Local{Roots: local, Skip: skip})
	}
	return m, nil
}

// window parses --since and --until (YYYY-MM-DD, UTC).
func (o *ingestOptions) window() (since, until time.Time, err error) {
	for _, f := range []struct {
		s string
		t *time.Time
	}{{o.since, &since}, {o.until, &until}} {
		if f.s == "" {
			continue
		}
		if *f.t, err = time.Parse(time.DateOnly, f.s); err != nil {
			return since, until, usagef("%q: want YYYY-MM-DD", f.s)
		}
	}
	if !until.IsZero() {
		until = until.Add(24*time.Hour - time.Nanosecond) // the whole day
	}
	return since, until, nil
}

// watch ingests new inputs every interval until ctx ends (SIGINT,
// SIGTERM). Interrupting a run mid-way discards its uncommitted batch,
// which the next run ingests again: nothing is lost or duplicated.
func watch(ctx context.Context, a *app, l *lake.Lake, src source.Lister, opts ingest.Options, o ingestOptions) error {
	known := opts.Known
	fmt.Fprintf(a.stderr, "watching every %s; %d inputs already ingested; Ctrl-C to stop\n", o.interval, known.Len())
	if o.sqsURL != "" {
		return watchSQS(ctx, a, l, opts, o)
	}
	for {
		stats, err := ingest.Run(ctx, l, src, opts)
		if ctx.Err() != nil {
			fmt.Fprintln(a.stderr, "stopped: committed work is kept; an interrupted batch will be ingested on the next run")
			return nil
		}
		if err != nil && !errors.Is(err, ingest.ErrSomeInputsFailed) {
			return err
		}
		recordRun(a, l, stats)
		now := time.Now().UTC().Format(time.RFC3339)
		if o.json {
			json.NewEncoder(a.stdout).Encode(stats)
		} else {
			fmt.Fprintf(a.stdout, "%s  ", now)
			printIngestSummary(a.stdout, stats)
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(a.stderr, "stopped")
			return nil
		case <-time.After(o.interval):
		}
	}
}

// recordRun appends the run's summary (and its input errors) to the local
// lake's ingest log, which the console's overview shows; a failure to
// write it is logged, not fatal.
func recordRun(a *app, l *lake.Lake, stats ingest.Stats) {
	if l.Remote() {
		return
	}
	if err := console.RecordIngestRun(l.Dir(), time.Now().UTC(), stats); err != nil {
		a.log.Warn("cannot record the ingest run for the console", "err", err)
	}
}

// prefetch is how many objects to fetch ahead of the decoders: remote
// sources are network-bound, local files are not.
func prefetch(args []string, downloads int) int {
	for _, a := range args {
		if strings.Contains(a, "://") {
			return downloads
		}
	}
	return 0
}

// watchSQS ingests the objects S3 event notifications announce on an SQS
// queue, deleting each batch's messages only once it is committed.
func watchSQS(ctx context.Context, a *app, l *lake.Lake, opts ingest.Options, o ingestOptions) error {
	cfg, err := o.aws.config(ctx)
	if err != nil {
		return err
	}
	q := &source.SQSNotifications{Client: awsapi.SQSClient(cfg, o.aws.opts), QueueURL: o.sqsURL, S3: awsapi.S3Client(cfg, o.aws.opts), Log: a.log}
	for ctx.Err() == nil {
		err := q.Poll(ctx, 20*time.Second, func(objs []source.Object) error {
			stats, err := ingest.Run(ctx, l, source.Static(objs), opts)
			if err != nil && !errors.Is(err, ingest.ErrSomeInputsFailed) {
				return err
			}
			recordRun(a, l, stats)
			fmt.Fprintf(a.stdout, "%s  ", time.Now().UTC().Format(time.RFC3339))
			printIngestSummary(a.stdout, stats)
			return nil
		})
		if err != nil && ctx.Err() == nil {
			return err
		}
	}
	fmt.Fprintln(a.stderr, "stopped")
	return nil
}

// printFindingsLine summarises what inline detection found.
func printFindingsLine(w io.Writer, en *detect.Engine) {
	fs := en.Findings()
	changed := en.Changed()
	var high, updated int
	for _, f := range fs {
		if changed[f.ID] {
			updated++
		}
		if f.Severity >= 7 {
			high++
		}
	}
	fmt.Fprintf(w, "findings: %d in the lake (%d high or critical), %d new or updated by this run; see vigil findings\n", len(fs), high, updated)
}
