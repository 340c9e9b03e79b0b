package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/flowlogs"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// sink receives decoded records grouped by partition.
type sink struct {
	events func(vigil.Partition, []vigil.Event) error
	flows  func(vigil.Partition, []vigil.FlowRecord) error
}

// decoder turns one input into records, reusing its buffers across inputs.
type decoder struct {
	flowFormat []vigil.FlowField
	events     []vigil.Event
	flows      []vigil.FlowRecord
	br         *bufio.Reader
	gz         *gzip.Reader
}

func newDecoder(flowFormat []vigil.FlowField) *decoder {
	return &decoder{flowFormat: flowFormat, br: bufio.NewReaderSize(nil, 256<<10)}
}

type decodeResult struct {
	flow     bool // flow-log records (else CloudTrail events)
	records  int64
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

// flushRecords bounds the records held for one input before they are
// handed to the writer.
const flushRecords = 50_000

// decode reads every record of in, decompressing gzip and telling
// CloudTrail from flow logs by content when the key does not say. Records
// reach the sink grouped by partition once the whole input has been read,
// or in chunks for very large inputs, in which case a later input error
// leaves rows behind (the caller redoes its batch).
func (d *decoder) decode(f io.Reader, in input, s sink) (decodeResult, error) {
	var res decodeResult
	if in.kind == kindFlowParquet {
		res.flow = true
		return res, d.decodeFlowParquet(f, in, s, &res)
	}
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
	k := in.kind
	if k == kindAuto {
		// Sniff the decompressed content: JSON is CloudTrail, Parquet and
		// text lines are flow logs.
		br := bufio.NewReaderSize(cr, 64<<10)
		head, _ := br.Peek(512)
		switch t := bytes.TrimLeft(head, " \t\r\n\ufeff"); {
		case len(t) > 0 && (t[0] == '{' || t[0] == '['):
			k = kindCloudTrail
		case bytes.HasPrefix(head, []byte("PAR1")):
			res.flow = true
			return res, d.decodeFlowParquet(br, in, s, &res)
		case looksLikeFlowLog(t):
			k = kindFlowLogs
		default:
			k = kindCloudTrail // the CloudTrail reader names what is wrong
		}
		defer func() { res.raw = cr.n }()
		if k == kindFlowLogs {
			res.flow = true
			return res, d.decodeFlows(br, in, s, &res, cr)
		}
		return res, d.decodeEvents(br, in, s, &res, cr)
	}
	if k == kindFlowLogs {
		res.flow = true
		return res, d.decodeFlows(cr, in, s, &res, cr)
	}
	return res, d.decodeEvents(cr, in, s, &res, cr)
}

// looksLikeFlowLog reports whether text starts like a flow log: a header
// ("version account-id ...") or a record of the default format ("2 ...").
func looksLikeFlowLog(t []byte) bool {
	line, _, _ := bytes.Cut(t, []byte{'\n'})
	if bytes.HasPrefix(line, []byte("version ")) || bytes.HasPrefix(line, []byte("account-id ")) {
		return true
	}
	fields := bytes.Fields(line)
	if len(fields) < 14 {
		return false
	}
	v := string(fields[0])
	return len(v) == 1 && v >= "2" && v <= "9"
}

func (d *decoder) decodeEvents(r io.Reader, in input, s sink, res *decodeResult, cr *countingReader) error {
	rd := cloudtrail.NewReader(r)
	next := func(e *vigil.Event) error {
		err := rd.Next(e)
		if errors.Is(err, cloudtrail.ErrDigest) {
			return io.EOF
		}
		return err
	}
	emit := func(recs []vigil.Event) error {
		return emitRuns(recs, in.part, cloudtrail.EventPartition, s.events, res, func(e *vigil.Event) string {
			return fmt.Sprintf("event %q: no recipientAccountId, awsRegion or valid eventTime to place it in a partition", e.EventID)
		})
	}
	return decodeAll(&d.events, next, emit, res, cr)
}

func (d *decoder) decodeFlows(r io.Reader, in input, s sink, res *decodeResult, cr *countingReader) error {
	rd := flowlogs.NewReader(r, d.flowFormat)
	return decodeAll(&d.flows, rd.Next, func(recs []vigil.FlowRecord) error { return d.emitFlows(recs, in, s, res) }, res, cr)
}

// decodeAll reads records with next into *buf (reused across inputs),
// handing them to emit when the input ends or flushRecords are held. Bad
// records are counted; the first input-level error stops the reading.
func decodeAll[T any](buf *[]T, next func(*T) error, emit func([]T) error, res *decodeResult, cr *countingReader) error {
	recs := (*buf)[:0]
	defer func() { *buf = recs[:0] }()
	var zero T
	flush := func() error {
		if err := emit(recs); err != nil {
			return fmt.Errorf("%w: %w", errWrite, err)
		}
		recs = recs[:0]
		return nil
	}
	for {
		if len(recs) == cap(recs) {
			recs = append(recs, zero)[:len(recs)]
		}
		err := next(&recs[:len(recs)+1][len(recs)])
		switch {
		case err == nil:
			recs = recs[:len(recs)+1]
			if len(recs) >= flushRecords {
				if err := flush(); err != nil {
					return err
				}
			}
		case err == io.EOF:
			res.raw = cr.n
			return flush()
		case errors.Is(err, vigil.ErrMalformedRecord):
			res.badRecord(err.Error())
		default:
			return err
		}
	}
}

// emitRuns hands records to the sink in runs of one partition: the
// input's own (from its key) or, outside the layouts, each record's.
// Records that cannot be placed are counted as bad.
func emitRuns[T any](recs []T, keyPart vigil.Partition, part func(*T) (vigil.Partition, bool),
	sink func(vigil.Partition, []T) error, res *decodeResult, unplaced func(*T) string) error {
	if len(recs) == 0 {
		return nil
	}
	if keyPart != (vigil.Partition{}) {
		res.records += int64(len(recs))
		return sink(keyPart, recs)
	}
	kept := recs[:0]
	for i := range recs {
		if _, ok := part(&recs[i]); ok {
			kept = append(kept, recs[i])
		} else {
			res.badRecord(unplaced(&recs[i]))
		}
	}
	for i := 0; i < len(kept); {
		p, _ := part(&kept[i])
		j := i + 1
		for j < len(kept) {
			if q, _ := part(&kept[j]); q != p {
				break
			}
			j++
		}
		if err := sink(p, kept[i:j]); err != nil {
			return err
		}
		res.records += int64(j - i)
		i = j
	}
	return nil
}

// emitFlows hands flow records to the sink, in runs of one partition.
func (d *decoder) emitFlows(recs []vigil.FlowRecord, in input, s sink, res *decodeResult) error {
	part := func(r *vigil.FlowRecord) (vigil.Partition, bool) {
		return flowlogs.RecordPartition(r, "", in.obj.Region)
	}
	return emitRuns(recs, in.part, part, s.flows, res, func(r *vigil.FlowRecord) string {
		return fmt.Sprintf("flow record of %q: no account-id, region or start time to place it in a partition", r.Str[vigil.FlowInterfaceID])
	})
}

// decodeFlowParquet reads flow logs delivered as Parquet. Parquet needs
// random access: a local file is read in place, anything else is spooled
// to a temporary file first.
func (d *decoder) decodeFlowParquet(r io.Reader, in input, s sink, res *decodeResult) error {
	f, ok := r.(*os.File)
	if !ok {
		tmp, err := os.CreateTemp("", "vigil-flow-*.parquet")
		if err != nil {
			return fmt.Errorf("%w: spool Parquet: %w", errWrite, err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		if _, err := io.Copy(tmp, r); err != nil {
			return fmt.Errorf("read: %w", err)
		}
		f = tmp
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	res.raw = info.Size()
	recs := d.flows[:0]
	defer func() { d.flows = recs[:0] }()
	err = flowlogs.ReadParquet(f, info.Size(), func(rec *vigil.FlowRecord) error {
		recs = append(recs, *rec)
		if len(recs) >= flushRecords {
			if err := d.emitFlows(recs, in, s, res); err != nil {
				return fmt.Errorf("%w: %w", errWrite, err)
			}
			recs = recs[:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := d.emitFlows(recs, in, s, res); err != nil {
		return fmt.Errorf("%w: %w", errWrite, err)
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
