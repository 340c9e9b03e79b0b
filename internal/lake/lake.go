package lake

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Table names.
const (
	TableCloudTrail = "cloudtrail"
)

const metaDir = "_vigil"

// Lake is an open lake directory, for writing. Use OpenReader (in the
// engine) for queries.
type Lake struct {
	dir  string
	log  *slog.Logger
	lock *os.File

	mu      sync.Mutex // guards sources.log appends and seq
	seq     int
	sources *os.File

	// remote is set when the tables live in an object store; dir then only
	// holds staging.
	remote *remote
}

// Remote reports whether the lake's tables live in an object store (then
// queries need a local copy, and compaction is not done in place).
func (l *Lake) Remote() bool { return l.remote != nil }

// Open opens (creating if needed) the lake at dir for writing. It takes an
// exclusive lock, so a second writer fails fast, and recovers from an
// interrupted run. Close releases it.
func Open(dir string, log *slog.Logger) (*Lake, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{metaDir, filepath.Join(metaDir, "journal"), filepath.Join(metaDir, "staging")} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("create lake %s: %w", dir, err)
		}
	}
	lock, err := os.OpenFile(filepath.Join(dir, metaDir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lake lock: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("lake %s is in use by another vigil process: %w", dir, err)
	}
	l := &Lake{dir: dir, log: log.With(vigil.LogKeyComponent, "lake"), lock: lock}
	if err := l.recover(); err != nil {
		l.Close()
		return nil, err
	}
	if l.sources, err = os.OpenFile(l.sourcesPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		l.Close()
		return nil, fmt.Errorf("open sources log: %w", err)
	}
	return l, nil
}

// Dir returns the lake's absolute path.
func (l *Lake) Dir() string { return l.dir }

// Close releases the lake.
func (l *Lake) Close() error {
	var errs []error
	if l.remote != nil {
		errs = append(errs, l.remote.release(context.Background()), os.RemoveAll(l.dir))
	}
	if l.sources != nil {
		errs = append(errs, l.sources.Close())
	}
	if l.lock != nil {
		errs = append(errs, l.lock.Close())
	}
	return errors.Join(errs...)
}

func (l *Lake) sourcesPath() string { return filepath.Join(l.dir, metaDir, "sources.log") }

// recover applies committed journals and removes uncommitted staging.
func (l *Lake) recover() error {
	if err := l.repairSourcesLog(); err != nil {
		return err
	}
	journals, err := filepath.Glob(filepath.Join(l.dir, metaDir, "journal", "*.json"))
	if err != nil {
		return err
	}
	src, err := os.OpenFile(l.sourcesPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open sources log: %w", err)
	}
	defer src.Close()
	for _, j := range journals {
		var rec journal
		b, err := os.ReadFile(j)
		if err == nil {
			err = json.Unmarshal(b, &rec)
		}
		if err != nil {
			// A journal is renamed into place only once complete, so this is
			// damage, not an interrupted write: keep it for inspection.
			return fmt.Errorf("read journal %s: %w", j, err)
		}
		l.log.Info("replaying committed transaction", "tx", rec.ID)
		if err := l.apply(&rec, src); err != nil {
			return err
		}
	}
	tmps, _ := filepath.Glob(filepath.Join(l.dir, metaDir, "journal", "*.tmp"))
	for _, t := range tmps { // journals never renamed into place: not committed
		if err := os.Remove(t); err != nil {
			return err
		}
	}
	staging := filepath.Join(l.dir, metaDir, "staging")
	entries, err := os.ReadDir(staging)
	if err != nil {
		return err
	}
	for _, e := range entries {
		l.log.Info("discarding uncommitted transaction", "tx", e.Name())
		if err := os.RemoveAll(filepath.Join(staging, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// repairSourcesLog cuts a last line left incomplete by a crash; its
// journal is still there and appends it again.
func (l *Lake) repairSourcesLog() error {
	b, err := os.ReadFile(l.sourcesPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(b) == 0 || b[len(b)-1] == '\n' {
		return nil
	}
	return os.Truncate(l.sourcesPath(), int64(bytes.LastIndexByte(b, '\n')+1))
}

// Source is one ingested input.
type Source struct {
	Table  string `json:"table"`
	Key    string `json:"key"`
	Size   int64  `json:"size"`
	Events int64  `json:"events"`
}

// Ingested returns the inputs already ingested into table ("" for every
// table), by key, with their sizes.
func (l *Lake) Ingested(table string) (map[string]int64, error) {
	if l.remote != nil {
		return l.remote.ingested(context.Background(), table)
	}
	f, err := os.Open(l.sourcesPath())
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]int64{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		s, ok := parseSourceLine(sc.Text())
		if ok && (table == "" || s.Table == table) {
			out[s.Key] = s.Size
		}
	}
	return out, sc.Err()
}

func sourceLine(s Source) string {
	return s.Table + "\t" + strconv.Quote(s.Key) + "\t" + strconv.FormatInt(s.Size, 10) + "\t" + strconv.FormatInt(s.Events, 10) + "\n"
}

func parseSourceLine(line string) (Source, bool) {
	f := strings.Split(line, "\t")
	if len(f) != 4 {
		return Source{}, false
	}
	key, err := strconv.Unquote(f[1])
	if err != nil {
		return Source{}, false
	}
	size, err1 := strconv.ParseInt(f[2], 10, 64)
	n, err2 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil {
		return Source{}, false
	}
	return Source{Table: f[0], Key: key, Size: size, Events: n}, true
}

// txID returns a new, sortable transaction id.
func (l *Lake) txID() string {
	l.mu.Lock()
	l.seq++
	n := l.seq
	l.mu.Unlock()
	return fmt.Sprintf("%s-%d-%d", time.Now().UTC().Format("20060102T150405.000000000"), os.Getpid(), n)
}

// PartitionDir returns a partition's directory relative to the lake.
func PartitionDir(table string, p vigil.Partition) string {
	return filepath.Join(table, "account="+p.Account, "region="+p.Region, "date="+p.Date)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

const watermarksFile = metaDir + "/watermarks.json"

// Watermarks returns the listing watermarks: per source prefix, the
// greatest key below which every input was listed and processed by a
// completed run. Listings of remote sources resume there.
func (l *Lake) Watermarks(ctx context.Context) (map[string]string, error) {
	var b []byte
	var err error
	if l.remote != nil {
		var rc io.ReadCloser
		if rc, err = l.remote.store.Get(ctx, watermarksFile); err == nil {
			b, err = io.ReadAll(rc)
			rc.Close()
		}
	} else {
		b, err = os.ReadFile(filepath.Join(l.dir, watermarksFile))
	}
	out := map[string]string{}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, vigil.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read watermarks: %w", err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("read watermarks: %w", err)
	}
	return out, nil
}

// SetWatermarks replaces the listing watermarks atomically. Call it only
// after a run that processed every input it listed.
func (l *Lake) SetWatermarks(ctx context.Context, w map[string]string) error {
	b, err := json.Marshal(w)
	if err != nil {
		return err
	}
	if l.remote != nil {
		return l.remote.store.Put(ctx, watermarksFile, bytes.NewReader(b), false)
	}
	path := filepath.Join(l.dir, watermarksFile)
	if err := writeFileSync(path+".tmp", b); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}
