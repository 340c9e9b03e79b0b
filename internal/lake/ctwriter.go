package lake

import (
	"container/list"
	"fmt"
	"os"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// WriterOptions tune Parquet output. Zero values mean defaults.
type WriterOptions struct {
	// RowGroupRows bounds a row group (default 64k rows): DuckDB reads row
	// groups in parallel and the writer holds one per open file in memory.
	RowGroupRows int64
	// OpenFiles bounds the partition files open at once per writer
	// (default 8); the least recently used is closed when more are needed.
	OpenFiles int
}

func (o WriterOptions) withDefaults() WriterOptions {
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = 64 << 10
	}
	if o.OpenFiles <= 0 {
		o.OpenFiles = 8
	}
	return o
}

// CloudTrailWriter writes events into a transaction, one Parquet file per
// partition (more if the partition is evicted and reopened). It is used by
// one goroutine.
type CloudTrailWriter struct {
	tx    *Tx
	opt   WriterOptions
	open  map[vigil.Partition]*list.Element
	lru   *list.List // of *ctFile, most recent first
	rows  []ctRow
	arena rowArena
	// Rows counts rows written.
	Rows int64
}

type ctFile struct {
	p vigil.Partition
	f *os.File
	w *parquet.GenericWriter[ctRow]
}

var zstdCodec = &zstd.Codec{Level: zstd.SpeedFastest}

// NewCloudTrailWriter returns a writer adding files to tx.
func NewCloudTrailWriter(tx *Tx, opt WriterOptions) *CloudTrailWriter {
	return &CloudTrailWriter{tx: tx, opt: opt.withDefaults(), open: map[vigil.Partition]*list.Element{}, lru: list.New()}
}

// Write appends events to partition p. source names the input, stored in
// vigil_source.
func (w *CloudTrailWriter) Write(p vigil.Partition, source string, events []vigil.Event) error {
	if len(events) == 0 {
		return nil
	}
	cf, err := w.file(p)
	if err != nil {
		return err
	}
	src := &source
	const batch = 1024
	for len(events) > 0 {
		n := min(len(events), batch)
		w.rows = w.rows[:0]
		w.arena.reset()
		for i := range events[:n] {
			w.rows = append(w.rows, w.arena.newCTRow(&events[i], src))
		}
		if _, err := cf.w.Write(w.rows); err != nil {
			return fmt.Errorf("write %s: %w", cf.f.Name(), err)
		}
		w.Rows += int64(n)
		events = events[n:]
	}
	clear(w.rows) // drop references to event strings
	w.arena.reset()
	return nil
}

func (w *CloudTrailWriter) file(p vigil.Partition) (*ctFile, error) {
	if e, ok := w.open[p]; ok {
		w.lru.MoveToFront(e)
		return e.Value.(*ctFile), nil
	}
	if w.lru.Len() >= w.opt.OpenFiles {
		old := w.lru.Back()
		if err := w.closeFile(old); err != nil {
			return nil, err
		}
	}
	f, err := w.tx.CreateFile(TableCloudTrail, p)
	if err != nil {
		return nil, err
	}
	pw := parquet.NewGenericWriter[ctRow](f,
		parquet.Compression(zstdCodec),
		parquet.MaxRowsPerRowGroup(w.opt.RowGroupRows),
		parquet.PageBufferSize(256<<10),
		parquet.CreatedBy("vigil", "0", ""),
	)
	cf := &ctFile{p: p, f: f, w: pw}
	w.open[p] = w.lru.PushFront(cf)
	return cf, nil
}

func (w *CloudTrailWriter) closeFile(e *list.Element) error {
	cf := e.Value.(*ctFile)
	w.lru.Remove(e)
	delete(w.open, cf.p)
	if err := cf.w.Close(); err != nil {
		cf.f.Close()
		return fmt.Errorf("finish %s: %w", cf.f.Name(), err)
	}
	return cf.f.Close()
}

// Close finishes every open file. Call it before committing the
// transaction.
func (w *CloudTrailWriter) Close() error {
	for w.lru.Len() > 0 {
		if err := w.closeFile(w.lru.Front()); err != nil {
			return err
		}
	}
	return nil
}
