package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/vigil-sec/vigil/internal/console/triage"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/catalog"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/sigma"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { commands = append(commands, newDetectCmd) }

type detectOptions struct {
	lake         string
	since, until string
	geoip        []string
	threatLists  []string
	torList      string
	trustedLists []string
	suppressions string
	sigma        string
	json         bool
	failOn       string
}

func newDetectCmd(a *app) *cobra.Command {
	var o detectOptions
	cmd := &cobra.Command{
		Use:   "detect --lake DIR [--since YYYY-MM-DD] [--until YYYY-MM-DD]",
		Short: "Hunt for threats over the lake with today's detections (GuardDuty's finding types and Vigil's)",
		Long: `Run every detection over the lake's CloudTrail events (a retro-hunt: today's rules over past data)
and merge what they find into the lake's findings (auditing.findings; list them with vigil findings).

Findings have GuardDuty's JSON shape and aggregate as GuardDuty's do: the same type, resource and
actor update one finding (count, last seen). Counts are of distinct events, so running detect again
over the same days changes nothing. Each finding carries its evidence: the event IDs and a query
over auditing.cloudtrail that returns them. The detections are listed in docs/detections.md.

--threat-list, --tor-list and --trusted-list take files of IP addresses and CIDR blocks, one per
line, '#' comments (Tor's exit-addresses format is understood too). Events from trusted addresses
reach no detection. --geoip takes MaxMind-format databases (GeoLite2-City, GeoLite2-ASN, ...)
for the country, city and network of remote addresses. --suppressions takes a YAML list of
rules that archive matching findings, as GuardDuty's suppression rules do:

  - name: red team engagement 2024-Q3
    types: ["PenTest:*"]
    principals: ["arn:aws:iam::111122223333:user/redteam-*"]
  - name: office egress
    ips: ["203.0.113.0/24"]
    accounts: ["111122223333"]

The organization's accounts are the accounts in the lake: sharing with them is not "external".

Exit codes: 0 done, 1 the run failed, 2 bad usage, 3 a finding created or updated by this run is
at or above --fail-on (archived findings excepted).`,
		Example: `  vigil detect --lake ./lake
  vigil detect --lake ./lake --since 2024-01-01 --until 2024-03-31 --tor-list tor-exits.txt --threat-list iocs.txt
  vigil detect --lake ./lake --geoip GeoLite2-City.mmdb --geoip GeoLite2-ASN.mmdb --fail-on high`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDetect(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lake, "lake", "", "lake directory")
	f.StringVar(&o.since, "since", "", "first day to scan, YYYY-MM-DD (default: the lake's first)")
	f.StringVar(&o.until, "until", "", "last day to scan, YYYY-MM-DD (default: the lake's last)")
	registerDetectContext(f, &o)
	f.BoolVar(&o.json, "json", false, "print the summary as JSON")
	f.StringVar(&o.failOn, "fail-on", "", "exit 3 when this run creates or updates a finding at or above this severity (low, medium, high, critical or 1-10)")
	return cmd
}

// detectSummary is what a run did, for --json.
type detectSummary struct {
	Since    string        `json:"since,omitempty"`
	Until    string        `json:"until,omitempty"`
	Stats    detect.Stats  `json:"stats"`
	Duration time.Duration `json:"duration_ns"`
	// The parts of Duration: scanning CloudTrail, scanning flow logs;
	// the rest loads and saves detection state and findings.
	CloudTrailDuration time.Duration   `json:"cloudtrail_duration_ns"`
	FlowDuration       time.Duration   `json:"flowlogs_duration_ns"`
	Changed            []vigil.Finding `json:"changed"`
}

func runDetect(ctx context.Context, a *app, o detectOptions) error {
	if o.lake == "" {
		return usagef("--lake is required")
	}
	for _, d := range []struct{ flag, v string }{{"--since", o.since}, {"--until", o.until}} {
		if _, err := time.Parse(time.DateOnly, d.v); d.v != "" && err != nil {
			return usagef("%s %q: want YYYY-MM-DD", d.flag, d.v)
		}
	}
	if o.since != "" && o.until != "" && o.since > o.until {
		return usagef("--since %s is after --until %s", o.since, o.until)
	}
	var failOn vigil.Severity
	if o.failOn != "" {
		s, err := vigil.ParseSeverity(o.failOn)
		if err != nil {
			return usagef("--fail-on: %w", err)
		}
		failOn = s
	}
	if info, err := os.Stat(o.lake); err != nil || !info.IsDir() {
		return usagef("--lake %s: no such lake directory", o.lake)
	}
	start := time.Now()
	defer batchGC()()
	l, err := lake.Open(o.lake, a.log)
	if err != nil {
		return err
	}
	defer l.Close()
	en, closeGeo, err := openDetector(a, l, o)
	if err != nil {
		return err
	}
	defer closeGeo()
	// The engine is safe for concurrent use and its findings do not depend
	// on the order records come in: it runs in the scan's decoding
	// goroutines.
	scanOpts := []lake.ScanOption{lake.Concurrently()}
	if o.sigma == "" { // Sigma rules may read any field
		scanOpts = append(scanOpts, lake.Columns(detect.EventColumns...))
	}
	ctStart := time.Now()
	err = lake.ScanCloudTrail(ctx, o.lake, o.since, o.until, func(e *vigil.Event, p vigil.Partition) error {
		en.Event(e, p)
		return nil
	}, scanOpts...)
	if err != nil {
		return err
	}
	ctDuration := time.Since(ctStart)
	flowStart := time.Now()
	err = lake.ScanFlowLogs(ctx, o.lake, o.since, o.until, func(r *vigil.FlowRecord, p vigil.Partition) error {
		en.Flow(r, p)
		return nil
	}, lake.Concurrently())
	if err != nil {
		return err
	}
	flowDuration := time.Since(flowStart)
	findings, err := saveDetector(l, en)
	if err != nil {
		return err
	}
	sum := detectSummary{Since: o.since, Until: o.until, Stats: en.Stats(), Duration: time.Since(start),
		CloudTrailDuration: ctDuration, FlowDuration: flowDuration, Changed: []vigil.Finding{}}
	changed := en.Changed()
	for _, f := range findings {
		if changed[f.ID] {
			sum.Changed = append(sum.Changed, f)
		}
	}
	if o.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else if err := printDetectSummary(a, sum); err != nil {
		return err
	}
	if failOn != 0 {
		for _, f := range sum.Changed {
			if !f.Service.Archived && f.Severity >= failOn {
				return &exitError{code: exitFindings, err: fmt.Errorf("finding %s (%s, severity %g) is at or above --fail-on %s", f.ID, f.Type, float64(f.Severity), o.failOn)}
			}
		}
	}
	return nil
}

func printDetectSummary(a *app, s detectSummary) error {
	st := s.Stats
	span := "all days"
	if s.Since != "" || s.Until != "" {
		span = fmt.Sprintf("days %s to %s", orOpen(s.Since), orOpen(s.Until))
	}
	rate := float64(st.Events) / max(s.CloudTrailDuration.Seconds(), 1e-9)
	fmt.Fprintf(a.stdout, "scanned %d events (%s) in %s: %.0f events/s; %d flow-log records in %s; %s in all, with state and findings\n",
		st.Events, span, s.CloudTrailDuration.Round(time.Millisecond), rate, st.Flows, s.FlowDuration.Round(time.Millisecond), s.Duration.Round(time.Millisecond))
	fmt.Fprintf(a.stdout, "%d events of AWS's own and %d records from trusted addresses not evaluated\n", st.AWSInternal, st.Trusted)
	fmt.Fprintf(a.stdout, "findings: %d new, %d updated, %d in total\n", st.New, st.Updated, st.Findings)
	if len(s.Changed) == 0 {
		return nil
	}
	fmt.Fprintln(a.stdout)
	return writeFindingsTable(a, s.Changed)
}

func orOpen(d string) string {
	if d == "" {
		return "…"
	}
	return d
}

// detectContext reads the lists, databases and rules the flags name.
func detectContext(o detectOptions) (*detect.Context, func(), error) {
	c := &detect.Context{Accounts: map[string]bool{}}
	readList := func(path string) (*geo.List, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, usageError{err}
		}
		l, err := geo.ParseList(filepath.Base(path), bytes.NewReader(b))
		if err != nil {
			return nil, usageError{err}
		}
		return l, nil
	}
	for _, p := range o.threatLists {
		l, err := readList(p)
		if err != nil {
			return nil, nil, err
		}
		c.ThreatLists = append(c.ThreatLists, l)
	}
	for _, p := range o.trustedLists {
		l, err := readList(p)
		if err != nil {
			return nil, nil, err
		}
		c.Trusted = append(c.Trusted, l)
	}
	if o.torList != "" {
		l, err := readList(o.torList)
		if err != nil {
			return nil, nil, err
		}
		c.Tor = l
	}
	if o.suppressions != "" {
		b, err := os.ReadFile(o.suppressions)
		if err != nil {
			return nil, nil, usageError{err}
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&c.Suppressions); err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, usagef("--suppressions %s: %w", o.suppressions, err)
		}
		var errs []error
		for i := range c.Suppressions {
			if err := c.Suppressions[i].Validate(); err != nil {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return nil, nil, usagef("--suppressions %s: %w", o.suppressions, err)
		}
	}
	closeGeo := func() {}
	if len(o.geoip) > 0 {
		db, err := geo.Open(slices.Clone(o.geoip)...)
		if err != nil {
			return nil, nil, usageError{err}
		}
		c.Geo = db
		closeGeo = func() { db.Close() }
	}
	return c, closeGeo, nil
}

// openDetector builds the detection engine for a local lake: today's
// detections, the context the options name, the lake's accounts as "ours",
// and the findings and state of earlier runs. close releases the GeoIP
// databases.
func openDetector(a *app, l *lake.Lake, o detectOptions) (en *detect.Engine, close func(), err error) {
	dctx, closeGeo, err := detectContext(o)
	if err != nil {
		return nil, nil, err
	}
	// Suppression rules made in the console archive new findings too.
	st, err := triage.Load(l.Dir())
	if err != nil {
		closeGeo()
		return nil, nil, err
	}
	dctx.Suppressions = append(dctx.Suppressions, st.Suppressions()...)
	defer func() {
		if err != nil {
			closeGeo()
		}
	}()
	reg, err := registry(a, o.sigma)
	if err != nil {
		return nil, nil, err
	}
	accounts, err := lake.CloudTrailAccounts(l.Dir())
	if err != nil {
		return nil, nil, err
	}
	for _, acct := range accounts {
		dctx.Accounts[acct] = true
	}
	if en, err = detect.New(reg, dctx, detect.Options{Log: a.log}); err != nil {
		return nil, nil, usageError{err} // suppression rules
	}
	prior, err := lake.ReadFindings(l.Dir())
	if err != nil {
		return nil, nil, err
	}
	if err := en.Load(prior); err != nil {
		return nil, nil, err
	}
	if err := en.LoadState(l.DetectState()); err != nil {
		return nil, nil, err
	}
	return en, closeGeo, nil
}

// saveDetector flushes the engine and stores its findings and state.
func saveDetector(l *lake.Lake, en *detect.Engine) ([]vigil.Finding, error) {
	en.Flush()
	findings := en.Findings()
	if err := l.WriteFindings(findings); err != nil {
		return nil, err
	}
	return findings, en.SaveState(l.DetectState())
}

// registerDetectContext adds the flags that feed detections.
func registerDetectContext(f *pflag.FlagSet, o *detectOptions) {
	f.StringArrayVar(&o.geoip, "geoip", nil, "MaxMind-format database for remote addresses (repeatable)")
	f.StringArrayVar(&o.threatLists, "threat-list", nil, "file of malicious IPs/CIDRs (repeatable; the .Custom finding types)")
	f.StringVar(&o.torList, "tor-list", "", "file of Tor exit-node addresses (the TorIPCaller finding types)")
	f.StringArrayVar(&o.trustedLists, "trusted-list", nil, "file of trusted IPs/CIDRs whose activity is not evaluated (repeatable)")
	f.StringVar(&o.suppressions, "suppressions", "", "YAML file of suppression rules")
	f.StringVar(&o.sigma, "sigma", "", "folder of Sigma rules (logsource aws/cloudtrail) to run beside the built-in detections")
}

// registry builds the detections a run uses: the built-in catalogue plus
// the Sigma rules of sigmaDir. Rules that cannot be used (another log
// source, an unsupported feature, a malformed file) are reported on
// stderr, one line each, never dropped silently.
func registry(a *app, sigmaDir string) (*detect.Registry, error) {
	ds := catalog.All()
	if sigmaDir != "" {
		if info, err := os.Stat(sigmaDir); err != nil || !info.IsDir() {
			return nil, usagef("--sigma %s: no such folder", sigmaDir)
		}
		rules, errs := sigma.Load(sigmaDir)
		for _, err := range errs {
			what := "not loaded"
			if errors.Is(err, sigma.ErrSkipped) {
				what = "skipped"
			}
			fmt.Fprintf(a.stderr, "sigma rule %s: %v\n", what, err)
		}
		for i := range rules {
			ds = append(ds, &rules[i])
		}
	}
	return detect.NewRegistry(ds...)
}
