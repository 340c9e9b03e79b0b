package lake

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// staleLock is how old a remote lake's lock must be before another writer
// may take it over (a writer that crashed never released it).
const staleLock = 6 * time.Hour

// remote is the remote half of a lake whose tables live in an object
// store. Files are written to a local staging folder as for a local lake;
// a commit then uploads them under _vigil/staging/<tx>/, writes the
// journal object _vigil/journal/<tx>.json (the commit point: object writes
// are atomic), copies the files to their table keys, writes the
// transaction's inputs to _vigil/sources/<tx>.tsv and deletes the journal.
// Opening the lake replays committed journals and deletes uncommitted
// staging, exactly as a local lake does: the same exactly-once guarantee.
type remote struct {
	store vigil.ObjectStore
	lock  string
}

// OpenRemote opens a lake whose tables live in store (an S3 prefix that
// Athena or Trino query with the DDL of `vigil lake ddl`). Local files are
// staged in a temporary folder. Only one writer may hold the lake: the
// lock is an object created with a conditional write.
func OpenRemote(ctx context.Context, store vigil.ObjectStore, log *slog.Logger) (*Lake, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir, err := os.MkdirTemp("", "vigil-lake-")
	if err != nil {
		return nil, err
	}
	for _, d := range []string{metaDir, filepath.Join(metaDir, "journal"), filepath.Join(metaDir, "staging")} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	host, _ := os.Hostname()
	r := &remote{store: store, lock: fmt.Sprintf("%s pid %d at %s", host, os.Getpid(), time.Now().UTC().Format(time.RFC3339))}
	if err := r.acquire(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	l := &Lake{dir: dir, log: log.With(vigil.LogKeyComponent, "lake", "store", store.String()), remote: r}
	if err := r.recover(ctx, l); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

const lockKey = metaDir + "/lock"

func (r *remote) acquire(ctx context.Context) error {
	err := r.store.Put(ctx, lockKey, strings.NewReader(r.lock), true)
	if !errors.Is(err, vigil.ErrExists) {
		return err
	}
	rc, gerr := r.store.Get(ctx, lockKey)
	if gerr != nil {
		return fmt.Errorf("lake %s is in use by another vigil process: %w", r.store, err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	held := string(b)
	if i := strings.LastIndex(held, " at "); i >= 0 {
		if t, perr := time.Parse(time.RFC3339, held[i+4:]); perr == nil && time.Since(t) > staleLock {
			if err := r.store.Delete(ctx, lockKey); err != nil {
				return err
			}
			return r.store.Put(ctx, lockKey, strings.NewReader(r.lock), true)
		}
	}
	return fmt.Errorf("lake %s is in use by another vigil process (%s); if that process is gone, delete %s/%s", r.store, held, r.store, lockKey)
}

func (r *remote) release(ctx context.Context) error { return r.store.Delete(ctx, lockKey) }

// recover replays committed journals and deletes uncommitted staging.
func (r *remote) recover(ctx context.Context, l *Lake) error {
	var journals []string
	err := r.store.List(ctx, metaDir+"/journal/", func(key string, _ int64) error {
		if strings.HasSuffix(key, ".json") {
			journals = append(journals, key)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list journals: %w", err)
	}
	committed := map[string]bool{}
	for _, key := range journals {
		rc, err := r.store.Get(ctx, key)
		if err != nil {
			return err
		}
		var rec journal
		err = json.NewDecoder(rc).Decode(&rec)
		rc.Close()
		if err != nil {
			return fmt.Errorf("read journal %s: %w", key, err)
		}
		committed[rec.ID] = true
		l.log.Info("replaying committed transaction", "tx", rec.ID)
		if err := r.apply(ctx, &rec); err != nil {
			return err
		}
	}
	return r.store.List(ctx, metaDir+"/staging/", func(key string, _ int64) error {
		tx, _, _ := strings.Cut(strings.TrimPrefix(key, metaDir+"/staging/"), "/")
		if committed[tx] {
			return nil
		}
		return r.store.Delete(ctx, key)
	})
}

// commit uploads a staged transaction and applies it.
func (r *remote) commit(ctx context.Context, rec *journal, staging string) error {
	for _, rel := range rec.Files {
		if err := r.upload(ctx, filepath.Join(staging, rel), stagingKey(rec.ID, rel)); err != nil {
			return err
		}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := r.store.Put(ctx, metaDir+"/journal/"+rec.ID+".json", bytes.NewReader(b), false); err != nil {
		return fmt.Errorf("commit journal: %w", err)
	}
	return r.apply(ctx, rec)
}

func (r *remote) upload(ctx context.Context, file, key string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := r.store.Put(ctx, key, f, false); err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	return nil
}

func stagingKey(tx, rel string) string {
	return path.Join(metaDir, "staging", tx, filepath.ToSlash(rel))
}

// apply moves a committed transaction's files into place, deletes what it
// removes, records its sources and drops its journal; idempotent.
func (r *remote) apply(ctx context.Context, rec *journal) error {
	for _, rel := range rec.Files {
		from, to := stagingKey(rec.ID, rel), filepath.ToSlash(rel)
		err := r.store.Copy(ctx, from, to)
		if errors.Is(err, vigil.ErrNotFound) {
			continue // copied and cleaned before a crash
		}
		if err != nil {
			return fmt.Errorf("apply transaction %s: %w", rec.ID, err)
		}
	}
	for _, rel := range rec.Removes {
		if err := r.store.Delete(ctx, filepath.ToSlash(rel)); err != nil {
			return fmt.Errorf("apply transaction %s: %w", rec.ID, err)
		}
	}
	if len(rec.Sources) > 0 {
		var b []byte
		for _, s := range rec.Sources {
			b = append(b, sourceLine(s)...)
		}
		if err := r.store.Put(ctx, metaDir+"/sources/"+rec.ID+".tsv", bytes.NewReader(b), false); err != nil {
			return fmt.Errorf("record sources: %w", err)
		}
	}
	for _, rel := range rec.Files {
		if err := r.store.Delete(ctx, stagingKey(rec.ID, rel)); err != nil {
			return err
		}
	}
	return r.store.Delete(ctx, metaDir+"/journal/"+rec.ID+".json")
}

// ingested reads every sources object.
func (r *remote) ingested(ctx context.Context, table string) (map[string]int64, error) {
	out := map[string]int64{}
	var keys []string
	if err := r.store.List(ctx, metaDir+"/sources/", func(key string, _ int64) error {
		keys = append(keys, key)
		return nil
	}); err != nil {
		return nil, err
	}
	for _, key := range keys {
		rc, err := r.store.Get(ctx, key)
		if errors.Is(err, vigil.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(rc)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if s, ok := parseSourceLine(sc.Text()); ok && (table == "" || s.Table == table) {
				out[s.Key] = s.Size
			}
		}
		rc.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
