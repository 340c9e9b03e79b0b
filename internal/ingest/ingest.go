package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/source"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Options tune an ingest run. Zero values mean defaults.
type Options struct {
	// Workers decode and write in parallel (default GOMAXPROCS).
	Workers int
	// CommitEvents is how many events a worker gathers before committing
	// (default 1,000,000): the most a killed run has to redo per worker.
	CommitEvents int64
	// Compact merges the small files of the partitions the run touched.
	Compact bool
	Writer  lake.WriterOptions
	Log     *slog.Logger
	// Progress, if set, is updated as the run goes.
	Progress *Progress
}

// Progress is read concurrently by a display while a run goes on.
type Progress struct {
	TotalFiles atomic.Int64
	TotalBytes atomic.Int64
	Files      atomic.Int64
	Bytes      atomic.Int64
	Events     atomic.Int64
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
	Events         int64         `json:"events"`
	BadRecords     int64         `json:"bad_records"`
	Bytes          int64         `json:"bytes"`     // input bytes as stored (compressed)
	RawBytes       int64         `json:"raw_bytes"` // input bytes decompressed
	Duration       time.Duration `json:"duration_ns"`
	Errors         []InputError  `json:"errors,omitempty"`
	ErrorsOmitted  int           `json:"errors_omitted,omitempty"`
	CompactedParts int           `json:"compacted_partitions,omitempty"`
}

// EventsPerSecond returns the run's throughput.
func (s Stats) EventsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Events) / s.Duration.Seconds()
}

// InputError names an input and what was wrong with it.
type InputError struct {
	File   string `json:"file"`
	Error  string `json:"error"`
	Record bool   `json:"record"` // one bad record; the rest of the file was ingested
}

// ErrSomeInputsFailed is returned, with full Stats, when a run completed but
// some inputs or records could not be ingested.
var ErrSomeInputsFailed = errors.New("some inputs could not be ingested")

// CloudTrail ingests the CloudTrail files found under roots (files or
// folders) into l.
func CloudTrail(ctx context.Context, l *lake.Lake, roots []string, opt Options) (Stats, error) {
	return CloudTrailFrom(ctx, l, source.Local{Roots: roots, Skip: []string{l.Dir()}}, opt)
}

// CloudTrailFrom ingests the CloudTrail objects src lists into l.
func CloudTrailFrom(ctx context.Context, l *lake.Lake, src source.Lister, opt Options) (Stats, error) {
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
	done, err := l.Ingested(lake.TableCloudTrail)
	if err != nil {
		return Stats{}, fmt.Errorf("read ingested sources: %w", err)
	}
	r := &run{opt: opt, log: log, lake: l}
	r.stats.Digests, r.stats.Ignored = f.digests, f.ignored
	var todo []input
	for _, in := range f.inputs {
		size, ok := done[in.key]
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
	if opt.Compact && len(r.touched) > 0 {
		n, err := lake.Compact(ctx, l, lake.TableCloudTrail, r.partitions())
		r.stats.CompactedParts = n
		if err != nil {
			return r.stats, fmt.Errorf("compact: %w", err)
		}
		r.stats.Duration = time.Since(start)
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
	touched map[vigil.Partition]bool
}

func (r *run) addError(e InputError) {
	if len(r.stats.Errors) < MaxErrorSamples {
		r.stats.Errors = append(r.stats.Errors, e)
	} else {
		r.stats.ErrorsOmitted++
	}
}

func (r *run) partitions() []vigil.Partition {
	out := make([]vigil.Partition, 0, len(r.touched))
	for p := range r.touched {
		out = append(out, p)
	}
	return out
}

// batch is one worker's open transaction and what it will commit.
type batch struct {
	tx      *lake.Tx
	w       *lake.CloudTrailWriter
	inputs  []input
	stats   Stats
	errs    []InputError
	touched map[vigil.Partition]bool
}

func (r *run) begin() (*batch, error) {
	tx, err := r.lake.Begin()
	if err != nil {
		return nil, err
	}
	return &batch{tx: tx, w: lake.NewCloudTrailWriter(tx, r.opt.Writer), touched: map[vigil.Partition]bool{}}, nil
}

func (r *run) commit(b *batch) error {
	if err := b.w.Close(); err != nil {
		b.tx.Abort()
		return err
	}
	if err := b.tx.Commit(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &r.stats
	s.Files += b.stats.Files
	s.Failed += b.stats.Failed
	s.Events += b.stats.Events
	s.BadRecords += b.stats.BadRecords
	s.Bytes += b.stats.Bytes
	s.RawBytes += b.stats.RawBytes
	for _, e := range b.errs {
		r.addError(e)
	}
	if r.touched == nil {
		r.touched = map[vigil.Partition]bool{}
	}
	for p := range b.touched {
		r.touched[p] = true
	}
	return nil
}

func (r *run) worker(ctx context.Context, work <-chan []input) error {
	d := newDecoder()
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
				b.w.Close()
				b.tx.Abort()
				if b, err = r.begin(); err != nil {
					return err
				}
				b.stats.Failed++
				b.errs = append(b.errs, InputError{File: in.obj.Name, Error: strings.TrimPrefix(err.Error(), errInput.Error()+": ")})
			default:
				return err
			}
			if b.stats.Events >= r.opt.CommitEvents {
				if err := r.commit(b); err != nil {
					return err
				}
				if b, err = r.begin(); err != nil {
					return err
				}
			}
		}
	}
	return r.commit(b)
}

// errInput marks an input-level failure already recorded in the batch.
var errInput = errors.New("input failed")

// file decodes one input into the batch. It returns errInput (recorded)
// when the input is unreadable; dirty tells whether some of its rows had
// already been handed to the writer.
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
		return dirty, fmt.Errorf("%w: %w", errInput, err)
	}
	fh, err := in.obj.Open(ctx)
	if err != nil {
		return fail(err)
	}
	defer fh.Close()
	res, err := d.decode(fh, in, func(part vigil.Partition, events []vigil.Event) error {
		dirty = true
		b.touched[part] = true
		return b.w.Write(part, in.key, events)
	})
	if err != nil {
		if errors.Is(err, errWrite) {
			return dirty, err
		}
		return fail(err)
	}
	b.inputs = append(b.inputs, in)
	b.tx.AddSource(lake.Source{Table: lake.TableCloudTrail, Key: in.key, Size: in.obj.Size, Events: res.events})
	b.stats.Files++
	b.stats.Events += res.events
	b.stats.BadRecords += res.badCount
	b.stats.Bytes += in.obj.Size
	b.stats.RawBytes += res.raw
	for _, e := range res.bad {
		b.errs = append(b.errs, InputError{File: in.obj.Name, Error: e, Record: true})
	}
	p.Files.Add(1)
	p.Bytes.Add(in.obj.Size)
	p.Events.Add(res.events)
	return dirty, nil
}

// errWrite marks a failure of the lake, not of the input.
var errWrite = errors.New("lake write failed")

// decoder turns one input into events, reusing its buffers across inputs.
type decoder struct {
	events []vigil.Event
	br     *bufio.Reader
	gz     *gzip.Reader
}

func newDecoder() *decoder {
	return &decoder{br: bufio.NewReaderSize(nil, 256<<10)}
}

type decodeResult struct {
	events   int64
	raw      int64
	bad      []string // the first record errors
	badCount int64
}

func (res *decodeResult) badRecord(msg string) {
	res.badCount++
	if len(res.bad) < 5 {
		res.bad = append(res.bad, msg)
	}
}

// flushEvents bounds the events held for one input before they are handed
// to the writer.
const flushEvents = 50_000

// decode reads every record of in. Events are handed to emit grouped by
// partition, once the whole input has been read — or in chunks for very
// large inputs, in which case a later input error leaves emitted rows
// behind (the caller redoes its batch).
func (d *decoder) decode(f io.Reader, in input, emit func(vigil.Partition, []vigil.Event) error) (decodeResult, error) {
	var res decodeResult
	d.br.Reset(f)
	var src io.Reader = d.br
	if head, _ := d.br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		if d.gz == nil {
			gz, err := gzip.NewReader(d.br)
			if err != nil {
				return res, fmt.Errorf("gzip: %w", err)
			}
			d.gz = gz
		} else if err := d.gz.Reset(d.br); err != nil {
			return res, fmt.Errorf("gzip: %w", err)
		}
		src = d.gz
	}
	cr := &countingReader{r: src}
	rd := cloudtrail.NewReader(cr)
	d.events = d.events[:0]
	flush := func() error {
		if err := d.emit(in, emit, &res); err != nil {
			return fmt.Errorf("%w: %w", errWrite, err)
		}
		d.events = d.events[:0]
		return nil
	}
	for {
		if len(d.events) == cap(d.events) {
			d.events = append(d.events, vigil.Event{})[:len(d.events)]
		}
		e := &d.events[:len(d.events)+1][len(d.events)]
		err := rd.Next(e)
		switch {
		case err == nil:
			d.events = d.events[:len(d.events)+1]
			if len(d.events) >= flushEvents {
				if err := flush(); err != nil {
					return res, err
				}
			}
			continue
		case err == io.EOF, errors.Is(err, cloudtrail.ErrDigest):
			res.raw = cr.n
			return res, flush()
		case errors.Is(err, vigil.ErrMalformedRecord):
			res.badRecord(err.Error())
			continue
		default:
			return res, err
		}
	}
}

// emit hands the buffered events to the writer, in runs of one partition.
func (d *decoder) emit(in input, emit func(vigil.Partition, []vigil.Event) error, res *decodeResult) error {
	ev := d.events
	if in.part != (vigil.Partition{}) {
		res.events += int64(len(ev))
		return emit(in.part, ev)
	}
	kept := ev[:0]
	for i := range ev {
		if _, ok := cloudtrail.EventPartition(&ev[i]); ok {
			kept = append(kept, ev[i])
		} else {
			res.badRecord(fmt.Sprintf("event %q: no recipientAccountId, awsRegion or valid eventTime to place it in a partition", ev[i].EventID))
		}
	}
	for i := 0; i < len(kept); {
		p, _ := cloudtrail.EventPartition(&kept[i])
		j := i + 1
		for j < len(kept) {
			q, _ := cloudtrail.EventPartition(&kept[j])
			if q != p {
				break
			}
			j++
		}
		if err := emit(p, kept[i:j]); err != nil {
			return err
		}
		res.events += int64(j - i)
		i = j
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
