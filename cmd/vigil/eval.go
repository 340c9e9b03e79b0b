package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/synth"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { commands = append(commands, newEvalCmd) }

// evalOptions are the command line of vigil eval.
type evalOptions struct {
	dir          string
	keep         string
	benign       bool
	seed         int64
	accounts     int
	regions      []string
	days         int
	eventsPerDay int
	flowPerDay   int
	strict       bool
	json         bool
	sigma        string
}

func newEvalCmd(a *app) *cobra.Command {
	var o evalOptions
	cmd := &cobra.Command{
		Use:   "eval [--dir DIR] [--benign] [--strict]",
		Short: "Measure the detections: per-type recall and false positives on labelled synthetic attacks",
		Long: `Eval generates a synthetic organization with one labelled attack scenario per finding type
(vigil synth --scenarios labelled) and realistic benign noise (CI/CD roles deploying from AWS
addresses, administrators working from the offices, AWS services acting on principals' behalf,
internet scanners probing the public instances), ingests it into a temporary lake with the
detections inline, as vigil ingest does, and compares the findings with the labels: per finding
type, the scenarios injected and found (recall), and the findings no label explains (false
positives). A finding is a scenario's when it has the scenario's type and account and its evidence
shares a record with it.

--benign generates the noise alone: every finding is then a false positive. --dir evaluates an
existing output of vigil synth --scenarios labelled|benign instead of generating one. The threat
list, Tor exit list and GeoIP database of the synthetic world are read from DIR/labels/.

Exit codes: 0 done, 1 the run failed, 2 bad usage, 3 with --strict, a scenario was missed or a
finding is unexplained.`,
		Example: `  vigil eval --strict
  vigil eval --benign --strict
  vigil synth --out ./org --scenarios labelled --days 10 && vigil eval --dir ./org --json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEval(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", "", "evaluate this output of vigil synth --scenarios labelled|benign instead of generating one")
	f.StringVar(&o.keep, "keep", "", "generate into this folder (and leave the lake in DIR/lake) instead of a temporary one")
	f.BoolVar(&o.benign, "benign", false, "generate the benign noise alone: no finding is expected")
	f.Int64Var(&o.seed, "seed", 1, "seed of the generated organization")
	f.IntVar(&o.accounts, "accounts", 3, "member accounts")
	f.StringSliceVar(&o.regions, "regions", []string{"us-east-1", "eu-west-1"}, "regions")
	f.IntVar(&o.days, "days", 10, fmt.Sprintf("days (at least %d: the detections learn for a week first)", synth.MinLabelledDays))
	f.IntVar(&o.eventsPerDay, "events-per-day", 500, "routine CloudTrail events per account, region and day")
	f.IntVar(&o.flowPerDay, "flow-records-per-day", 2000, "routine flow-log records per account, region and day")
	f.BoolVar(&o.strict, "strict", false, "exit 3 unless every scenario is found and no finding is unexplained")
	f.BoolVar(&o.json, "json", false, "print the score as JSON")
	f.StringVar(&o.sigma, "sigma", "", "folder of Sigma rules to run beside the built-in detections")
	return cmd
}

// evalReport is what vigil eval prints with --json.
type evalReport struct {
	Dir       string          `json:"dir"`
	Scenarios synth.Scenarios `json:"scenarios"`
	Events    int64           `json:"events"`
	Flows     int64           `json:"flow_records"`
	Recall    float64         `json:"recall"`
	Duration  time.Duration   `json:"duration_ns"`
	synth.Score
}

func runEval(ctx context.Context, a *app, o evalOptions) error {
	start := time.Now()
	dir := o.dir
	if dir == "" {
		dir = o.keep
		if dir == "" {
			tmp, err := os.MkdirTemp("", "vigil-eval-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			dir = tmp
		}
		mode := synth.ScenariosLabelled
		if o.benign {
			mode = synth.ScenariosBenign
		}
		so := synth.Options{Dir: dir, Seed: o.seed, Accounts: o.accounts, Regions: o.regions, Days: o.days,
			Start: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), EventsPerDay: o.eventsPerDay, EventsPerFile: 500,
			Compress: true, FlowLogs: true, FlowRecordsPerDay: o.flowPerDay, Scenarios: mode}
		if err := so.Validate(); err != nil {
			return usageError{fmt.Errorf("eval: %w", err)}
		}
		if _, err := synth.Generate(ctx, so); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	} else if o.benign || o.keep != "" {
		return usagef("eval: --dir evaluates an existing output; --benign and --keep apply to generated ones")
	}
	labels, err := synth.ReadLabels(dir)
	if err != nil {
		return usageError{fmt.Errorf("eval: %s is not an output of vigil synth --scenarios labelled|benign: %w", dir, err)}
	}
	lakeDir := filepath.Join(dir, "lake")
	if o.keep == "" {
		tmp, err := os.MkdirTemp("", "vigil-eval-lake-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		lakeDir = tmp
	}
	findings, st, err := evalDetect(ctx, a, dir, lakeDir, o.sigma)
	if err != nil {
		return err
	}
	rep := evalReport{Dir: dir, Scenarios: labels.Scenarios, Events: st.Events, Flows: st.Flows, Score: labels.Score(findings)}
	rep.Recall, rep.Duration = rep.Score.Recall(), time.Since(start)
	if o.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := printEval(a, rep); err != nil {
		return err
	}
	if o.strict && !rep.Perfect() {
		return &exitError{code: exitFindings, err: fmt.Errorf("eval: %d of %d scenarios found, %d findings unexplained", rep.Found, rep.Injected, len(rep.Unexplained))}
	}
	return nil
}

// evalDetect ingests dir/AWSLogs into a new lake with the detections
// inline, in the context of dir/labels, and returns the findings.
func evalDetect(ctx context.Context, a *app, dir, lakeDir, sigmaDir string) ([]vigil.Finding, detect.Stats, error) {
	labelsDir := filepath.Join(dir, synth.LabelsDir)
	l, err := lake.Open(lakeDir, a.log)
	if err != nil {
		return nil, detect.Stats{}, err
	}
	defer l.Close()
	en, closeGeo, err := openDetector(a, l, detectOptions{
		geoip:       []string{filepath.Join(labelsDir, synth.GeoIPFile)},
		threatLists: []string{filepath.Join(labelsDir, synth.ThreatsFile)},
		torList:     filepath.Join(labelsDir, synth.TorFile),
		sigma:       sigmaDir,
	})
	if err != nil {
		return nil, detect.Stats{}, err
	}
	defer closeGeo()
	_, err = ingest.Dir(ctx, l, []string{filepath.Join(dir, "AWSLogs")}, ingest.Options{Detector: en, Accounts: en.AddAccounts, Log: a.log})
	if err != nil {
		return nil, detect.Stats{}, fmt.Errorf("eval: %w", err)
	}
	findings, err := saveDetector(l, en)
	if err != nil {
		return nil, detect.Stats{}, err
	}
	return findings, en.Stats(), nil
}

func printEval(a *app, r evalReport) error {
	fmt.Fprintf(a.stdout, "%s run (%s): %d events and %d flow records in %s; %d findings\n\n",
		r.Scenarios, r.Dir, r.Events, r.Flows, r.Duration.Round(time.Millisecond), r.Findings)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "finding type\tinjected\tfound\trecall\tfalse positives")
	for _, t := range r.Types {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%d\n", t.Type, t.Injected, t.Found, t.Recall, t.FalsePositives)
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%.2f\t%d\n", r.Injected, r.Found, r.Recall, len(r.Unexplained))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, m := range r.Missed {
		fmt.Fprintf(a.stdout, "missed: %s in scenario %s (account %s, %s)\n", m.Type, m.Scenario, m.Account, m.Region)
	}
	for _, f := range r.Unexplained {
		fmt.Fprintf(a.stdout, "unexplained: %s %s (account %s): %s\n", f.Type, f.ID, f.AccountID, f.Description)
	}
	return nil
}
