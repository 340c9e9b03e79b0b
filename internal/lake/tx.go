package lake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// journal is the durable record of a committed transaction.
type journal struct {
	ID      string   `json:"id"`
	Files   []string `json:"files"`   // paths relative to the lake of files to move into place
	Removes []string `json:"removes"` // paths relative to the lake to delete (compaction)
	Sources []Source `json:"sources"`
}

// Tx is a write transaction: its files stay invisible to readers until
// Commit. A Tx is used by one goroutine.
type Tx struct {
	l       *Lake
	rec     journal
	staging string
	n       int
	done    bool
}

// Begin starts a transaction.
func (l *Lake) Begin() (*Tx, error) {
	id := l.txID()
	staging := filepath.Join(l.dir, metaDir, "staging", id)
	if err := os.MkdirAll(staging, 0o755); err != nil {
		return nil, err
	}
	return &Tx{l: l, rec: journal{ID: id}, staging: staging}, nil
}

// CreateFile creates a new Parquet file of table's partition p inside the
// transaction. The caller writes and closes it before Commit.
func (tx *Tx) CreateFile(table string, p vigil.Partition) (*os.File, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("BUG: invalid partition %+v", p)
	}
	tx.n++
	rel := filepath.Join(PartitionDir(table, p), fmt.Sprintf("%s-%04d.parquet", tx.rec.ID, tx.n))
	path := filepath.Join(tx.staging, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	tx.rec.Files = append(tx.rec.Files, rel)
	return f, nil
}

// AddSource records that an input's records are part of the transaction.
func (tx *Tx) AddSource(s Source) { tx.rec.Sources = append(tx.rec.Sources, s) }

// Remove schedules the deletion of a lake file (relative path) at commit.
func (tx *Tx) Remove(rel string) { tx.rec.Removes = append(tx.rec.Removes, rel) }

// Empty reports whether the transaction has nothing to commit.
func (tx *Tx) Empty() bool {
	return len(tx.rec.Files) == 0 && len(tx.rec.Sources) == 0 && len(tx.rec.Removes) == 0
}

// Commit makes the transaction durable and visible. Files must be closed.
func (tx *Tx) Commit() error { return tx.CommitContext(context.Background()) }

// CommitContext is Commit with a context for remote lakes' uploads.
func (tx *Tx) CommitContext(ctx context.Context) error {
	if tx.done {
		return errors.New("BUG: transaction already finished")
	}
	tx.done = true
	if tx.Empty() {
		return os.RemoveAll(tx.staging)
	}
	if r := tx.l.remote; r != nil {
		if err := r.commit(ctx, &tx.rec, tx.staging); err != nil {
			return err
		}
		return os.RemoveAll(tx.staging)
	}
	if err := tx.persist(); err != nil {
		return err
	}
	tx.l.mu.Lock()
	defer tx.l.mu.Unlock()
	return tx.l.apply(&tx.rec, tx.l.sources)
}

// persist makes the staged files and then the journal durable: once it
// returns, the transaction is committed.
func (tx *Tx) persist() error {
	// Make the staged files durable before the journal names them.
	for _, rel := range tx.rec.Files {
		if err := syncFile(filepath.Join(tx.staging, rel)); err != nil {
			return fmt.Errorf("sync staged file: %w", err)
		}
	}
	b, err := json.Marshal(tx.rec)
	if err != nil {
		return err
	}
	jdir := filepath.Join(tx.l.dir, metaDir, "journal")
	tmp := filepath.Join(jdir, tx.rec.ID+".tmp")
	if err := writeFileSync(tmp, b); err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(jdir, tx.rec.ID+".json")); err != nil {
		return fmt.Errorf("commit journal: %w", err)
	}
	if err := syncDir(jdir); err != nil { // the commit point
		return fmt.Errorf("commit journal: %w", err)
	}
	return nil
}

// Abort discards the transaction's files.
func (tx *Tx) Abort() error {
	if tx.done {
		return nil
	}
	tx.done = true
	return os.RemoveAll(tx.staging)
}

// apply moves a committed transaction's files into place, deletes what it
// removes, records its sources and drops its journal. It is idempotent, so
// recovery can run it again after a crash at any point.
func (l *Lake) apply(rec *journal, sources *os.File) error {
	staging := filepath.Join(l.dir, metaDir, "staging", rec.ID)
	dirs := map[string]bool{}
	for _, rel := range rec.Files {
		from, to := filepath.Join(staging, rel), filepath.Join(l.dir, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		err := os.Rename(from, to)
		if errors.Is(err, fs.ErrNotExist) {
			if _, serr := os.Stat(to); serr == nil {
				continue // moved before a crash
			}
		}
		if err != nil {
			return fmt.Errorf("apply transaction %s: %w", rec.ID, err)
		}
		dirs[filepath.Dir(to)] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	for _, rel := range rec.Removes {
		if err := os.Remove(filepath.Join(l.dir, rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("apply transaction %s: %w", rec.ID, err)
		}
	}
	if len(rec.Sources) > 0 {
		var b []byte
		for _, s := range rec.Sources {
			b = append(b, sourceLine(s)...)
		}
		if _, err := sources.Write(b); err != nil {
			return fmt.Errorf("record sources: %w", err)
		}
		if err := sources.Sync(); err != nil {
			return fmt.Errorf("record sources: %w", err)
		}
	}
	if err := os.RemoveAll(staging); err != nil {
		return err
	}
	return os.Remove(filepath.Join(l.dir, metaDir, "journal", rec.ID+".json"))
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func writeFileSync(path string, b []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
