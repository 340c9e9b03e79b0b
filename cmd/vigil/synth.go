package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/synth"
)

func init() { commands = append(commands, newSynthCmd) }

// synthFlags are the command line of vigil synth.
type synthFlags struct {
	out           string
	seed          int64
	accounts      int
	regions       []string
	start         string
	days          int
	eventsPerDay  int
	eventsPerFile int
	orgID         string
	gzip          bool
	digests       bool
	flowLogs      bool
	flowPerDay    int
	scenarios     string
}

func newSynthCmd(a *app) *cobra.Command {
	var f synthFlags
	cmd := &cobra.Command{
		Use:   "synth --out DIR",
		Short: "Generate a synthetic organization's CloudTrail logs",
		Long: `Synth writes realistic CloudTrail logs of a made-up AWS organization under
DIR/AWSLogs/..., in the layout of a central CloudTrail bucket: several accounts
and regions, routine traffic, and planted security events (root sign-ins,
logins without MFA, CloudTrail tampering, IAM, security group, S3 policy and
KMS changes, one attack story). With --flowlogs (the default) it also writes
each account's VPC Flow Logs under DIR/AWSLogs/<account>/vpcflowlogs/...:
routine traffic, internet scanners, and planted port scans, RDP probing and,
following the attack story, SSH brute force, a C2 channel on port 4444, DNS
to a rogue resolver and a multi-GB exfiltration. The same flags always give
the same bytes.

--scenarios labelled replaces the planted events with realistic benign noise
(CI/CD deploys from AWS addresses, administrators at the offices, AWS services
acting on principals' behalf, slow internet scanners, backups to S3) and one
labelled attack scenario per finding type Vigil detects, after a week the
detections learn from (at least 9 days). The ground truth goes to
DIR/labels/labels.json, with the threat list, Tor exit list and GeoIP database
of the synthetic world; ingest DIR/AWSLogs with them, or let vigil eval --dir
DIR score the detections. --scenarios benign writes the noise alone.`,
		Example: `  vigil synth --out ./demo-logs
  vigil synth --out /tmp/bench --accounts 10 --days 10 --events-per-day 10000 --events-per-file 1000
  vigil synth --out ./org --scenarios labelled --days 10 && vigil eval --dir ./org`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSynth(cmd.Context(), a, f, time.Now())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "output directory, required (files go under DIR/AWSLogs/...)")
	fl.Int64Var(&f.seed, "seed", 1, "seed: the same seed and flags give byte-identical output")
	fl.IntVar(&f.accounts, "accounts", 3, "number of member accounts")
	fl.StringSliceVar(&f.regions, "regions", []string{"us-east-1", "eu-west-1"}, "regions to log (global services log to us-east-1, or the first region)")
	fl.StringVar(&f.start, "start", "", "first day, YYYY-MM-DD (default: 7 days before today, UTC)")
	fl.IntVar(&f.days, "days", 7, "number of days")
	fl.IntVar(&f.eventsPerDay, "events-per-day", 2000, "routine events per account, region and day (±10%)")
	fl.IntVar(&f.eventsPerFile, "events-per-file", 100, "approximate records per log file")
	fl.StringVar(&f.orgID, "org-id", "", "organization id (o-...): use the organization trail layout AWSLogs/<org-id>/<account>/...")
	fl.BoolVar(&f.gzip, "gzip", true, "write .json.gz files as CloudTrail does (--gzip=false for plain .json)")
	fl.BoolVar(&f.digests, "digests", true, "also write CloudTrail-Digest files, one per account, region and day")
	fl.BoolVar(&f.flowLogs, "flowlogs", true, "also write VPC Flow Logs (AWSLogs/<account>/vpcflowlogs/...), with planted scans, brute force and exfiltration")
	fl.IntVar(&f.flowPerDay, "flow-records-per-day", 5000, "routine flow-log records per account, region and day (±10%)")
	fl.StringVar(&f.scenarios, "scenarios", "planned", "what to plant: planned (notable events and an attack story), labelled (an attack per finding type, labelled, and benign noise) or benign (the noise alone)")
	return cmd
}

// runSynth generates the logs; now is only used for the default --start.
func runSynth(ctx context.Context, a *app, f synthFlags, now time.Time) error {
	if f.out == "" {
		return usagef("synth: --out is required")
	}
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -7)
	if f.start != "" {
		t, err := time.Parse(time.DateOnly, f.start)
		if err != nil {
			return usagef("synth: --start %q: want YYYY-MM-DD", f.start)
		}
		start = t
	}
	o := synth.Options{
		Dir:           f.out,
		Seed:          f.seed,
		OrgID:         f.orgID,
		Accounts:      f.accounts,
		Regions:       f.regions,
		Start:         start,
		Days:          f.days,
		EventsPerDay:  f.eventsPerDay,
		EventsPerFile: f.eventsPerFile,
		Compress:      f.gzip,
		Digests:       f.digests,

		FlowLogs:          f.flowLogs,
		FlowRecordsPerDay: f.flowPerDay,
	}
	switch f.scenarios {
	case "planned":
	case string(synth.ScenariosLabelled), string(synth.ScenariosBenign):
		o.Scenarios = synth.Scenarios(f.scenarios)
	default:
		return usagef("synth: --scenarios %q: want planned, labelled or benign", f.scenarios)
	}
	if err := o.Validate(); err != nil {
		return usageError{fmt.Errorf("synth: %w", err)}
	}
	began := time.Now()
	st, err := synth.Generate(ctx, o)
	took := time.Since(began)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("synth: interrupted after %d files: %w", st.Files, err)
		}
		return fmt.Errorf("synth: %w", err)
	}
	rate := 0.0
	if s := took.Seconds(); s > 0 {
		rate = float64(st.Events+st.FlowRecords) / s
	}
	fmt.Fprintf(a.stdout, "synth: %d files (+%d digests), %d events, %.1f MB compressed, %.1f MB uncompressed",
		st.Files, st.DigestFiles, st.Events, float64(st.Bytes)/1e6, float64(st.RawBytes)/1e6)
	if st.FlowFiles > 0 {
		fmt.Fprintf(a.stdout, "; %d flow-log files, %d flow records, %.1f MB compressed, %.1f MB uncompressed",
			st.FlowFiles, st.FlowRecords, float64(st.FlowBytes)/1e6, float64(st.FlowRawBytes)/1e6)
	}
	fmt.Fprintf(a.stdout, "; %s, %.0f records/s, in %s\n", took.Round(time.Millisecond), rate, f.out)
	if o.Scenarios != synth.ScenariosPlanned {
		fmt.Fprintf(a.stdout, "synth: %s scenarios; ground truth and detection context in %s\n", o.Scenarios, filepath.Join(f.out, synth.LabelsDir))
	}
	return nil
}
