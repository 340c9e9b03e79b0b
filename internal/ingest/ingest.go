package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/inventory"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/source"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Options tune an ingest run. Zero values mean defaults.
type Options struct {
	// Workers decode and write in parallel (default GOMAXPROCS).
	Workers int
	// CommitEvents is how many CloudTrail events (or four times as many
	// flow-log records) a worker gathers before committing (default
	// 1,000,000): the most a killed run has to redo per worker.
	CommitEvents int64
	// Compact merges the small files of the partitions the run touched.
	Compact bool
	// FlowFormat is the flow-log format of inputs without a header line
	// (CloudWatch Logs); nil means AWS's default (version 2) format.
	FlowFormat []vigil.FlowField
	Writer     lake.WriterOptions
	Log        *slog.Logger
	// Progress, if set, is updated as the run goes.
	Progress *Progress
	// Prefetch, if positive, fetches that many objects at once ahead of
	// the decoders (for remote sources, where the network, not decoding,
	// is the bottleneck).
	Prefetch int
	// Detector, if set, sees every record as it is written: detection
	// inline, in the same pass over the data. It must be safe for
	// concurrent use and must not retain the records.
	Detector Detector
	// AfterRun, if set, is called when Run ends, whether it succeeded or
	// not, so that what the Detector learnt from committed records is kept.
	AfterRun func() error
	// Accounts, if set, is told the accounts of the inputs found, before
	// any record is decoded (the detector's notion of "our" accounts).
	Accounts func([]string)
	// Known, if set, holds the inputs already ingested (key -> size), so
	// that repeated runs (--watch) need not re-read the lake's record; Run
	// adds what it ingests. Nil: read from the lake.
	Known *Known
}

// Detector is what ingest feeds records to (detect.Engine).
type Detector interface {
	Events(p vigil.Partition, events []vigil.Event)
	Flow(rec *vigil.FlowRecord, p vigil.Partition)
}

// Known is the set of ingested inputs, shared by successive runs.
type Known struct {
	mu         sync.Mutex
	keys       map[string]int64
	watermarks map[string]string // region-level prefix -> listing watermark (see lake.Watermarks)
}

// LoadKnown reads the inputs already ingested into l.
func LoadKnown(l *lake.Lake) (*Known, error) {
	keys, err := l.Ingested("")
	if err != nil {
		return nil, fmt.Errorf("read ingested sources: %w", err)
	}
	wm, err := l.Watermarks(context.Background())
	if err != nil {
		return nil, err
	}
	return &Known{keys: keys, watermarks: wm}, nil
}

func (k *Known) get(key string) (int64, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	size, ok := k.keys[key]
	return size, ok
}

func (k *Known) add(inputs []input) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, in := range inputs {
		k.keys[in.key] = in.obj.Size
	}
}

// Len returns the number of inputs known.
func (k *Known) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

// Progress is read concurrently by a display while a run goes on.
type Progress struct {
	TotalFiles atomic.Int64
	TotalBytes atomic.Int64
	Files      atomic.Int64
	Bytes      atomic.Int64
	Events     atomic.Int64 // CloudTrail events and flow-log records
}

// MaxErrorSamples bounds the errors kept in Stats.
const MaxErrorSamples = 50

// Stats summarise a run.
type Stats struct {
	Files          int           `json:"files"`            // inputs ingested in this run
	AlreadyDone    int           `json:"already_ingested"` // inputs skipped: ingested before
	Digests        int           `json:"digests_skipped"`
	Ignored        int           `json:"ignored"` // other services' logs under AWSLogs/
	Failed         int           `json:"failed"`  // inputs that could not be read; their records were withheld
	Events         int64         `json:"events"`  // CloudTrail events
	FlowRecords    int64         `json:"flow_records"`
	ConfigItems    int64         `json:"config_items"` // AWS Config configuration items
	BadRecords     int64         `json:"bad_records"`
	Bytes          int64         `json:"bytes"`     // input bytes as stored (compressed)
	RawBytes       int64         `json:"raw_bytes"` // input bytes decompressed
	Duration       time.Duration `json:"duration_ns"`
	Errors         []InputError  `json:"errors,omitempty"`
	ErrorsOmitted  int           `json:"errors_omitted,omitempty"`
	CompactedParts int           `json:"compacted_partitions,omitempty"`
}

// Records returns the events and flow-log records ingested.
func (s Stats) Records() int64 { return s.Events + s.FlowRecords }

// EventsPerSecond returns the run's throughput in records per second.
func (s Stats) EventsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Records()) / s.Duration.Seconds()
}

func (s *Stats) add(t *Stats) {
	s.Files += t.Files
	s.Failed += t.Failed
	s.Events += t.Events
	s.FlowRecords += t.FlowRecords
	s.ConfigItems += t.ConfigItems
	s.BadRecords += t.BadRecords
	s.Bytes += t.Bytes
	s.RawBytes += t.RawBytes
}

// InputError names an input and what was wrong with it.
type InputError struct {
	File   string `json:"file"`
	Error  string `json:"error"`
	Record bool   `json:"record"` // one bad record; the rest of the input was ingested
}

// ErrSomeInputsFailed is returned, with full Stats, when a run completed but
// some inputs or records could not be ingested.
var ErrSomeInputsFailed = errors.New("some inputs could not be ingested")

// Dir ingests the CloudTrail and VPC Flow Logs files found under roots
// (files or folders) into l.
func Dir(ctx context.Context, l *lake.Lake, roots []string, opt Options) (Stats, error) {
	return Run(ctx, l, source.Local{Roots: roots, Skip: []string{l.Dir()}}, opt)
}

// Run ingests the objects src lists into l.
func Run(ctx context.Context, l *lake.Lake, src source.Lister, opt Options) (_ Stats, err error) {
	start := time.Now()
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.CommitEvents <= 0 {
		opt.CommitEvents = 1_000_000
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Progress == nil {
		opt.Progress = &Progress{}
	}
	log := opt.Log.With(vigil.LogKeyComponent, "ingest")

	f, err := discover(ctx, src)
	if err != nil {
		return Stats{}, err
	}
	if opt.AfterRun != nil {
		defer func() {
			if aerr := opt.AfterRun(); aerr != nil && err == nil {
				err = aerr
			}
		}()
	}
	if opt.Known == nil {
		if opt.Known, err = LoadKnown(l); err != nil {
			return Stats{}, err
		}
	}
	r := &run{opt: opt, log: log, lake: l, touched: map[string]map[vigil.Partition]bool{}}
	r.stats.Digests, r.stats.Ignored = f.digests, f.ignored
	var todo []input
	for _, in := range f.inputs {
		size, ok := opt.Known.get(in.key)
		switch {
		case !ok:
			todo = append(todo, in)
			opt.Progress.TotalBytes.Add(in.obj.Size)
		case size != in.obj.Size:
			r.stats.AlreadyDone++
			r.addError(InputError{File: in.obj.Name, Error: fmt.Sprintf("already ingested with size %d, now %d bytes: not ingested again", size, in.obj.Size)})
		default:
			r.stats.AlreadyDone++
		}
	}
	opt.Progress.TotalFiles.Store(int64(len(todo)))
	if opt.Accounts != nil {
		seen := map[string]bool{}
		var accounts []string
		for _, in := range f.inputs {
			if a := in.part.Account; a != "" && !seen[a] {
				seen[a] = true
				accounts = append(accounts, a)
			}
		}
		opt.Accounts(accounts)
	}
	runCtx, stopPrefetch := context.WithCancel(ctx)
	defer stopPrefetch()
	if opt.Prefetch > 0 {
		prefetch(runCtx, todo, opt.Prefetch)
	}
	log.Info("inputs found", "new", len(todo), "already_ingested", r.stats.AlreadyDone, "digests", f.digests, "ignored", f.ignored)

	work := make(chan []input)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(work)
		for _, u := range units(todo, 256) {
			select {
			case work <- u:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	for range opt.Workers {
		g.Go(func() error { return r.worker(gctx, work) })
	}
	err = g.Wait()
	r.stats.Duration = time.Since(start)
	if err != nil {
		return r.stats, err
	}
	if opt.Compact && !l.Remote() { // a remote lake gets one file per partition and commit
		for _, table := range []string{lake.TableCloudTrail, lake.TableFlowLogs} {
			parts := r.partitions(table)
			if len(parts) == 0 {
				continue
			}
			n, err := lake.Compact(ctx, l, table, parts)
			r.stats.CompactedParts += n
			if err != nil {
				return r.stats, fmt.Errorf("compact %s: %w", table, err)
			}
		}
		r.stats.Duration = time.Since(start)
	}
	// Every listed input was committed or reported: listings may resume
	// after them next time.
	if err := l.SetWatermarks(ctx, opt.Known.advance(f.inputs)); err != nil {
		return r.stats, err
	}
	if r.stats.Failed > 0 || r.stats.BadRecords > 0 {
		return r.stats, ErrSomeInputsFailed
	}
	return r.stats, nil
}

type run struct {
	opt  Options
	log  *slog.Logger
	lake *lake.Lake

	mu      sync.Mutex
	stats   Stats
	touched map[string]map[vigil.Partition]bool // table -> partitions
}

func (r *run) addError(e InputError) {
	if len(r.stats.Errors) < MaxErrorSamples {
		r.stats.Errors = append(r.stats.Errors, e)
	} else {
		r.stats.ErrorsOmitted++
	}
}

func (r *run) partitions(table string) []vigil.Partition {
	out := make([]vigil.Partition, 0, len(r.touched[table]))
	for p := range r.touched[table] {
		out = append(out, p)
	}
	return out
}

// batch is one worker's open transaction and what it will commit.
type batch struct {
	tx      *lake.Tx
	ct      *lake.CloudTrailWriter // created on first use
	fl      *lake.FlowWriter       // created on first use
	inputs  []input
	stats   Stats
	errs    []InputError
	touched map[string]map[vigil.Partition]bool
}

func (b *batch) cloudTrail(opt lake.WriterOptions) *lake.CloudTrailWriter {
	if b.ct == nil {
		b.ct = lake.NewCloudTrailWriter(b.tx, opt)
	}
	return b.ct
}

func (b *batch) flows(opt lake.WriterOptions) *lake.FlowWriter {
	if b.fl == nil {
		b.fl = lake.NewFlowWriter(b.tx, opt)
	}
	return b.fl
}

func (b *batch) touch(table string, p vigil.Partition) {
	if b.touched[table] == nil {
		b.touched[table] = map[vigil.Partition]bool{}
	}
	b.touched[table][p] = true
}

// closeWriters finishes the batch's files.
func (b *batch) closeWriters() error {
	var errs []error
	if b.ct != nil {
		errs = append(errs, b.ct.Close())
	}
	if b.fl != nil {
		errs = append(errs, b.fl.Close())
	}
	return errors.Join(errs...)
}

// weight is how full the batch is, in CloudTrail events.
func (b *batch) weight() int64 { return b.stats.Events + b.stats.FlowRecords/4 }

func (r *run) begin() (*batch, error) {
	tx, err := r.lake.Begin()
	if err != nil {
		return nil, err
	}
	return &batch{tx: tx, touched: map[string]map[vigil.Partition]bool{}}, nil
}

func (r *run) commit(ctx context.Context, b *batch) error {
	if err := b.closeWriters(); err != nil {
		b.tx.Abort()
		return err
	}
	if err := b.tx.CommitContext(ctx); err != nil {
		return err
	}
	r.opt.Known.add(b.inputs)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.add(&b.stats)
	for _, e := range b.errs {
		r.addError(e)
	}
	for table, parts := range b.touched {
		if r.touched[table] == nil {
			r.touched[table] = map[vigil.Partition]bool{}
		}
		for p := range parts {
			r.touched[table][p] = true
		}
	}
	return nil
}

func (r *run) worker(ctx context.Context, work <-chan []input) error {
	d := newDecoder(r.opt.FlowFormat)
	b, err := r.begin()
	if err != nil {
		return err
	}
	defer func() { b.tx.Abort() }() // no-op once committed
	for unit := range work {
		queue := unit
		for len(queue) > 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			in := queue[0]
			queue = queue[1:]
			dirty, err := r.file(ctx, b, d, in)
			switch {
			case err == nil:
			case errors.Is(err, errInput) && !dirty:
				// recorded in the batch; go on
			case errors.Is(err, errInput):
				// Rows of the failed input already reached the writer:
				// drop the batch and redo its other inputs in a new one.
				r.log.Warn("input failed after partial write; redoing its batch", vigil.LogKeyFile, in.obj.Name)
				queue = append(slices.Clone(b.inputs), queue...)
				b.closeWriters()
				b.tx.Abort()
				if b, err = r.begin(); err != nil {
					return err
				}
				b.stats.Failed++
				b.errs = append(b.errs, InputError{File: in.obj.Name, Error: strings.TrimPrefix(err.Error(), errInput.Error()+": ")})
			default:
				return err
			}
			if b.weight() >= r.opt.CommitEvents {
				if err := r.commit(ctx, b); err != nil {
					return err
				}
				if b, err = r.begin(); err != nil {
					return err
				}
			}
		}
	}
	return r.commit(ctx, b)
}

// errInput marks an input-level failure already recorded in the batch.
var errInput = errors.New("input failed")

// errWrite marks a failure of the lake, not of the input.
var errWrite = errors.New("lake write failed")

// file decodes one input into the batch. It returns errInput (recorded)
// when the input is unreadable; dirty tells whether some of its rows had
// already been handed to a writer.
func (r *run) file(ctx context.Context, b *batch, d *decoder, in input) (dirty bool, err error) {
	p := r.opt.Progress
	fail := func(err error) (bool, error) {
		if dirty { // the caller redoes the batch and records the failure
			return true, fmt.Errorf("%w: %w", errInput, err)
		}
		b.stats.Failed++
		b.errs = append(b.errs, InputError{File: in.obj.Name, Error: err.Error()})
		p.Files.Add(1)
		p.Bytes.Add(in.obj.Size)
		return false, fmt.Errorf("%w: %w", errInput, err)
	}
	rc, err := in.obj.Open(ctx)
	if err != nil {
		return fail(err)
	}
	defer rc.Close()
	if in.kind == kindConfig {
		return r.configFile(b, in, rc, fail)
	}
	sink := sink{
		events: func(part vigil.Partition, events []vigil.Event) error {
			dirty = true
			b.touch(lake.TableCloudTrail, part)
			if err := b.cloudTrail(r.opt.Writer).Write(part, in.key, events); err != nil {
				return err
			}
			if r.opt.Detector != nil {
				r.opt.Detector.Events(part, events)
			}
			return nil
		},
		flows: func(part vigil.Partition, recs []vigil.FlowRecord) error {
			dirty = true
			b.touch(lake.TableFlowLogs, part)
			if err := b.flows(r.opt.Writer).Write(part, in.key, recs); err != nil {
				return err
			}
			if d := r.opt.Detector; d != nil {
				for i := range recs {
					d.Flow(&recs[i], part)
				}
			}
			return nil
		},
	}
	res, err := d.decode(rc, in, sink)
	if err != nil {
		if errors.Is(err, errWrite) {
			return dirty, err
		}
		return fail(err)
	}
	table := lake.TableCloudTrail
	if res.flow {
		table = lake.TableFlowLogs
		b.stats.FlowRecords += res.records
	} else {
		b.stats.Events += res.records
	}
	b.inputs = append(b.inputs, in)
	b.tx.AddSource(lake.Source{Table: table, Key: in.key, Size: in.obj.Size, Events: res.records})
	b.stats.Files++
	b.stats.BadRecords += res.badCount
	b.stats.Bytes += in.obj.Size
	b.stats.RawBytes += res.raw
	for _, e := range res.bad {
		b.errs = append(b.errs, InputError{File: in.obj.Name, Error: e, Record: true})
	}
	p.Files.Add(1)
	p.Bytes.Add(in.obj.Size)
	p.Events.Add(res.records)
	return dirty, nil
}

// configFile ingests one of AWS Config's snapshot or history files into
// auditing.config_items. Unreadable items are reported as bad records.
func (r *run) configFile(b *batch, in input, rc io.Reader, fail func(error) (bool, error)) (bool, error) {
	cf, err := inventory.ReadConfigFile(rc)
	if err != nil {
		return fail(err)
	}
	source, snapshot := lake.ItemSourceHistory, "config-history"
	if cf.SnapshotID != "" || in.configKind == inventory.ConfigSnapshot {
		source, snapshot = lake.ItemSourceSnapshot, "config-snapshot:"+cf.SnapshotID
	}
	if err := lake.WriteConfigItemsTx(b.tx, snapshot, source, cf.Items); err != nil {
		if errors.Is(err, lake.ErrBadItem) {
			return fail(err)
		}
		return true, fmt.Errorf("%w: %w", errWrite, err)
	}
	n := int64(len(cf.Items))
	b.inputs = append(b.inputs, in)
	b.tx.AddSource(lake.Source{Table: lake.TableConfigItems, Key: in.key, Size: in.obj.Size, Events: n})
	b.stats.Files++
	b.stats.ConfigItems += n
	b.stats.BadRecords += int64(len(cf.Bad))
	b.stats.Bytes += in.obj.Size
	for _, e := range cf.Bad {
		b.errs = append(b.errs, InputError{File: in.obj.Name, Error: e, Record: true})
	}
	p := r.opt.Progress
	p.Files.Add(1)
	p.Bytes.Add(in.obj.Size)
	p.Events.Add(n)
	return false, nil
}

// S3StartAfter returns, for an S3 source listing the account, service and
// region prefix (a full key prefix such as "logs/AWSLogs/111122223333/
// CloudTrail/us-east-1/"), the key its listing may resume after: the
// watermark of the last run that processed everything it listed there. A
// run that was interrupted does not move the watermark, so the inputs it
// left are listed again (and those it committed skipped by key).
func (k *Known) S3StartAfter(prefix string) string {
	i := strings.Index(prefix, "AWSLogs/")
	if i < 0 {
		return ""
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if m := k.watermarks[prefix[i:]]; m != "" {
		return prefix[:i] + m
	}
	return ""
}

// advance raises the watermarks to the greatest key listed per prefix,
// after a run that processed every input it listed.
func (k *Known) advance(inputs []input) map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.watermarks == nil {
		k.watermarks = map[string]string{}
	}
	for _, in := range inputs {
		if d, ok := regionPrefix(in.key); ok && in.key > k.watermarks[d] {
			k.watermarks[d] = in.key
		}
	}
	return maps.Clone(k.watermarks)
}

// regionPrefix cuts a layout key before its date folders
// ("AWSLogs/<acct>/CloudTrail/<region>/" of ".../YYYY/MM/DD/file", or the
// Hive layout's ".../year=YYYY/...").
func regionPrefix(key string) (string, bool) {
	if !strings.HasPrefix(key, "AWSLogs/") {
		return "", false
	}
	parts := strings.Split(key, "/")
	for i, p := range parts {
		if i > 0 && (len(p) == 4 && p[0] >= '1' && p[0] <= '2' && strings.Trim(p, "0123456789") == "" || strings.HasPrefix(p, "year=")) {
			return strings.Join(parts[:i], "/") + "/", true
		}
	}
	return "", false
}

// CWLStartAfter returns, for CloudWatch Logs group, a function giving the
// greatest event timestamp (Unix ms) already ingested from a stream.
func (k *Known) CWLStartAfter(group string) func(stream string) int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	last := map[string]int64{}
	prefix := "cwlogs://" + group + "/"
	for key := range k.keys {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		at := strings.LastIndexByte(rest, '@')
		if at < 0 {
			continue
		}
		_, to, ok := strings.Cut(rest[at+1:], "-")
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(to, 10, 64); err == nil && n > last[rest[:at]] {
			last[rest[:at]] = n
		}
	}
	return func(stream string) int64 { return last[stream] }
}
