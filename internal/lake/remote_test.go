package lake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// memStore is an in-memory ObjectStore. failAfter, when positive, makes
// the n-th mutating call fail, to simulate a crash at that point.
type memStore struct {
	mu        sync.Mutex
	objects   map[string][]byte
	calls     int
	failAfter int
}

var errCrash = fmt.Errorf("simulated crash")

func (m *memStore) step() error {
	m.calls++
	if m.failAfter > 0 && m.calls >= m.failAfter {
		return errCrash
	}
	return nil
}

func (m *memStore) Put(_ context.Context, key string, body io.ReadSeeker, ifAbsent bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.step(); err != nil {
		return err
	}
	if _, ok := m.objects[key]; ok && ifAbsent {
		return fmt.Errorf("put %s: %w", key, vigil.ErrExists)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	m.objects[key] = b
	return nil
}

func (m *memStore) Get(_ context.Context, key string) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[key]
	if !ok {
		return nil, fmt.Errorf("get %s: %w", key, vigil.ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m *memStore) Copy(_ context.Context, from, to string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.step(); err != nil {
		return err
	}
	b, ok := m.objects[from]
	if !ok {
		return fmt.Errorf("copy %s: %w", from, vigil.ErrNotFound)
	}
	m.objects[to] = b
	return nil
}

func (m *memStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.step(); err != nil {
		return err
	}
	delete(m.objects, key)
	return nil
}

func (m *memStore) List(_ context.Context, prefix string, fn func(string, int64) error) error {
	m.mu.Lock()
	var keys []string
	for k := range m.objects {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	m.mu.Unlock()
	sort.Strings(keys)
	for _, k := range keys {
		if err := fn(k, int64(len(m.objects[k]))); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) String() string { return "mem://lake" }

func (m *memStore) keys(prefix string) []string {
	var out []string
	m.List(context.Background(), prefix, func(k string, _ int64) error { out = append(out, k); return nil })
	return out
}

// remoteCommit commits one transaction of one event under key to a
// remote lake.
func remoteCommit(t *testing.T, l *Lake, key string) error {
	t.Helper()
	tx, err := l.Begin()
	if err != nil {
		t.Fatal(err)
	}
	w := NewCloudTrailWriter(tx, WriterOptions{})
	if err := w.Write(testPart, key, []vigil.Event{{EventID: key, EventTime: "2020-10-23T10:00:00Z"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tx.AddSource(Source{Table: TableCloudTrail, Key: key, Size: 1, Events: 1})
	return tx.CommitContext(t.Context())
}

func TestRemoteLakeCommitAndLock(t *testing.T) {
	store := &memStore{objects: map[string][]byte{}}
	l, err := OpenRemote(t.Context(), store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenRemote(t.Context(), store, nil); err == nil {
		t.Fatal("a second writer opened a locked remote lake")
	}
	if err := remoteCommit(t, l, "a"); err != nil {
		t.Fatal(err)
	}
	files := store.keys("cloudtrail/account=111122223333/region=us-east-1/date=2020-10-23/")
	if len(files) != 1 || !strings.HasSuffix(files[0], ".parquet") {
		t.Errorf("table files = %v", files)
	}
	if left := store.keys(metaDir + "/staging/"); len(left) != 0 {
		t.Errorf("staging left: %v", left)
	}
	got, err := l.Ingested("")
	if err != nil || len(got) != 1 || got["a"] != 1 {
		t.Errorf("ingested = %v, %v", got, err)
	}
	l.Close()
	if keys := store.keys(metaDir + "/lock"); len(keys) != 0 {
		t.Errorf("lock not released: %v", keys)
	}
}

// TestRemoteLakeCrashAtEveryStep crashes a commit at each store call in
// turn, then reopens (recovering) and requires the event exactly once:
// present with its source recorded if the journal was written, else absent
// and not recorded.
func TestRemoteLakeCrashAtEveryStep(t *testing.T) {
	var present, absent int
	for step := 1; ; step++ {
		store := &memStore{objects: map[string][]byte{}}
		l, err := OpenRemote(t.Context(), store, nil)
		if err != nil {
			t.Fatal(err)
		}
		store.failAfter = store.calls + step
		err = remoteCommit(t, l, "a")
		store.failAfter = 0
		if err == nil {
			if present == 0 || absent == 0 {
				t.Fatalf("crash points gave %d recovered and %d discarded commits: both must occur", present, absent)
			}
			return // every crash point was tried
		}
		store.Delete(t.Context(), lockKey) // the crashed writer's lock goes stale
		l2, err := OpenRemote(t.Context(), store, nil)
		if err != nil {
			t.Fatalf("step %d: reopen: %v", step, err)
		}
		ingested, _ := l2.Ingested("")
		files := store.keys("cloudtrail/")
		journal := len(store.keys(metaDir+"/journal/")) > 0
		if _, ok := ingested["a"]; ok != (len(files) == 1) || len(files) > 1 || journal {
			t.Errorf("step %d: after recovery ingested=%v files=%v journal left=%v", step, ingested, files, journal)
		}
		if left := store.keys(metaDir + "/staging/"); len(left) != 0 {
			t.Errorf("step %d: staging left: %v", step, left)
		}
		if len(files) == 1 {
			present++
		} else {
			absent++
		}
		l2.Close()
	}
}
