package synth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Options says what to generate. The zero value of each field is a valid
// choice where noted; Validate reports the rest.
type Options struct {
	// Dir is the output root; files go under Dir/AWSLogs/...
	Dir string
	// Seed makes the output: same options, same bytes.
	Seed int64
	// OrgID, if non-empty (e.g. "o-a1b2c3d4e5"), selects the organization
	// trail layout AWSLogs/<OrgID>/<account>/CloudTrail/...
	OrgID string
	// Accounts is the number of member accounts; their ids are Accounts(Seed, Accounts).
	Accounts int
	// Regions are the regions logged, e.g. us-east-1, eu-west-1. Global
	// services (IAM, sign-in, Organizations) log to us-east-1, or to the
	// first region when us-east-1 is not listed.
	Regions []string
	// Start is the first day; its UTC date is used.
	Start time.Time
	// Days is the number of days, at least 1.
	Days int
	// EventsPerDay is the number of routine events per account, region and
	// day, within ±10%; planned security events come on top. Stats has the
	// exact total.
	EventsPerDay int
	// EventsPerFile is the approximate number of records per file; 0 means
	// 100. Files are bigger in business hours and smaller at night.
	EventsPerFile int
	// Compress writes .json.gz files (what CloudTrail delivers); otherwise .json.
	Compress bool
	// Digests also writes one CloudTrail-Digest file per account, region and day.
	Digests bool
	// FlowLogs also writes each account's VPC Flow Logs in every region
	// (see flow.go and FlowPlan), gzipped when Compress is set.
	FlowLogs bool
	// FlowRecordsPerDay is the number of routine flow-log records per
	// account, region and day, within ±10%; planned patterns come on top.
	FlowRecordsPerDay int
	// Scenarios says what is planted on top of routine traffic: the
	// planned records (the default), or labelled attack scenarios and
	// benign noise, or the benign noise alone (see Scenarios).
	Scenarios Scenarios
}

// Stats describes what Generate wrote.
type Stats struct {
	Files       int   // CloudTrail log files
	Events      int   // records in those files
	Bytes       int64 // bytes of log files on disk (compressed when Options.Compress)
	RawBytes    int64 // uncompressed JSON bytes of log files
	DigestFiles int   // CloudTrail-Digest files (not counted above)

	FlowFiles    int   // VPC Flow Logs files
	FlowRecords  int   // records in those files (header lines not counted)
	FlowBytes    int64 // bytes of flow-log files on disk
	FlowRawBytes int64 // uncompressed bytes of flow-log files
}

func (s *Stats) add(t Stats) {
	s.Files += t.Files
	s.Events += t.Events
	s.Bytes += t.Bytes
	s.RawBytes += t.RawBytes
	s.DigestFiles += t.DigestFiles
	s.FlowFiles += t.FlowFiles
	s.FlowRecords += t.FlowRecords
	s.FlowBytes += t.FlowBytes
	s.FlowRawBytes += t.FlowRawBytes
}

// Limits that keep a typo from filling the disk.
const (
	maxAccounts      = 10_000
	maxDays          = 3_660
	maxEventsPerDay  = 50_000_000
	defaultPerFile   = 100
	maxEventsPerFile = 1_000_000
)

var (
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	orgIDRE  = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// Validate reports every problem with o at once.
func (o Options) Validate() error {
	var errs []error
	if o.Dir == "" {
		errs = append(errs, errors.New("dir: empty"))
	}
	if o.OrgID != "" && !orgIDRE.MatchString(o.OrgID) {
		errs = append(errs, fmt.Errorf("org id %q: want o- and 10 to 32 lower-case letters or digits", o.OrgID))
	}
	if o.Accounts < 1 || o.Accounts > maxAccounts {
		errs = append(errs, fmt.Errorf("accounts %d: want 1 to %d", o.Accounts, maxAccounts))
	}
	if len(o.Regions) == 0 {
		errs = append(errs, errors.New("regions: none"))
	}
	for i, r := range o.Regions {
		if !regionRE.MatchString(r) {
			errs = append(errs, fmt.Errorf("region %q: not a region name", r))
		} else if slices.Contains(o.Regions[:i], r) {
			errs = append(errs, fmt.Errorf("region %q: listed twice", r))
		}
	}
	if o.Start.IsZero() {
		errs = append(errs, errors.New("start: not set"))
	}
	if o.Days < 1 || o.Days > maxDays {
		errs = append(errs, fmt.Errorf("days %d: want 1 to %d", o.Days, maxDays))
	}
	if o.EventsPerDay < 0 || o.EventsPerDay > maxEventsPerDay {
		errs = append(errs, fmt.Errorf("events per day %d: want 0 to %d", o.EventsPerDay, maxEventsPerDay))
	}
	if o.EventsPerFile < 0 || o.EventsPerFile > maxEventsPerFile {
		errs = append(errs, fmt.Errorf("events per file %d: want 0 (default %d) to %d", o.EventsPerFile, defaultPerFile, maxEventsPerFile))
	}
	switch o.Scenarios {
	case ScenariosPlanned, ScenariosBenign:
	case ScenariosLabelled:
		if o.Days < MinLabelledDays {
			errs = append(errs, fmt.Errorf("days %d: labelled scenarios need at least %d (the detections learn for a week first)", o.Days, MinLabelledDays))
		}
	default:
		errs = append(errs, fmt.Errorf("scenarios %q: want %q (planned records), %s or %s", o.Scenarios, ScenariosPlanned, ScenariosLabelled, ScenariosBenign))
	}
	if o.FlowRecordsPerDay < 0 || o.FlowRecordsPerDay > maxEventsPerDay {
		errs = append(errs, fmt.Errorf("flow records per day %d: want 0 to %d", o.FlowRecordsPerDay, maxEventsPerDay))
	}
	return errors.Join(errs...)
}

// org is everything shared, read-only, by the units of one Generate call.
type org struct {
	o        Options
	start    time.Time // UTC midnight of the first day
	ids      []string
	accounts []*account
	home     int    // index in o.Regions of the region global services log to
	bucket   string // the central bucket's name, for digests
	trail    string
	plan     []*planned   // every planned record, sorted by unit then time
	byUnit   [][]*planned // plan split by unit index

	// Labelled and benign runs.
	external  string         // an account outside the organization
	scenarios []*scenarioRun // the labelled scenarios
	threats   []string       // addresses of the threat list
	tor       []string       // addresses of the Tor exit list
}

func newOrg(o Options) (*org, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("synth options: %w", err)
	}
	if o.EventsPerFile == 0 {
		o.EventsPerFile = defaultPerFile
	}
	o.Regions = slices.Clone(o.Regions)
	s := o.Start.UTC()
	g := &org{
		o:     o,
		start: time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, time.UTC),
		ids:   Accounts(o.Seed, o.Accounts),
		trail: "management-events",
	}
	if i := slices.Index(o.Regions, "us-east-1"); i >= 0 {
		g.home = i
	}
	if o.OrgID != "" {
		g.trail = "organization-trail"
	}
	r := newRand(o.Seed, streamOrg)
	g.bucket = "aws-cloudtrail-logs-" + g.ids[0] + "-" + randHex(r, 8)
	g.external = externalAccount(o.Seed, g.ids)
	g.accounts = make([]*account, o.Accounts)
	for i := range g.accounts {
		g.accounts[i] = newAccount(o.Seed, i, g.ids, o.Regions)
	}
	g.makePlan()
	return g, nil
}

// unitIndex numbers (account, region, day) units.
func (g *org) unitIndex(ai, ri, di int) int {
	return (ai*len(g.o.Regions)+ri)*g.o.Days + di
}

func (g *org) units() int { return g.o.Accounts * len(g.o.Regions) * g.o.Days }

// keyPrefix returns AWSLogs/[<org>/]<account>/.
func (g *org) keyPrefix(ai int) string {
	if g.o.OrgID != "" {
		return "AWSLogs/" + g.o.OrgID + "/" + g.ids[ai] + "/"
	}
	return "AWSLogs/" + g.ids[ai] + "/"
}

// Generate writes the CloudTrail logs (and flow logs) o describes under o.Dir and reports
// what it wrote. It runs up to GOMAXPROCS units at once; the output does not
// depend on that. Existing files with the same names are overwritten. On
// error (invalid options, I/O, ctx cancelled) some files may have been
// written and Stats counts those fully written.
func Generate(ctx context.Context, o Options) (Stats, error) {
	g, err := newOrg(o)
	if err != nil {
		return Stats{}, err
	}
	n := g.units()
	results := make([]Stats, n)
	pool := sync.Pool{New: func() any { return newGen(g) }}
	var fo *flowOrg
	var flowResults []Stats
	if o.FlowLogs {
		fo = newFlowOrg(g)
		flowResults = make([]Stats, n)
	}
	flowPool := sync.Pool{New: func() any { return newFlowGen(fo) }}
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(runtime.GOMAXPROCS(0))
	for ai := range g.o.Accounts {
		for ri := range g.o.Regions {
			for di := range g.o.Days {
				i := g.unitIndex(ai, ri, di)
				eg.Go(func() error {
					gen := pool.Get().(*gen)
					defer pool.Put(gen)
					st, err := gen.run(ctx, ai, ri, di)
					results[i] = st
					return err
				})
				if fo != nil {
					eg.Go(func() error {
						fg := flowPool.Get().(*flowGen)
						defer flowPool.Put(fg)
						st, err := fg.run(ctx, ai, ri, di)
						flowResults[i] = st
						return err
					})
				}
			}
		}
	}
	err = eg.Wait()
	if err == nil && o.Scenarios != ScenariosPlanned {
		err = g.writeLabels()
	}
	var total Stats
	for _, st := range results {
		total.add(st)
	}
	for _, st := range flowResults {
		total.add(st)
	}
	return total, err
}
