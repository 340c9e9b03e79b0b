package lake

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-sec/vigil/internal/vigil"
)

var testPart = vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2020-10-23"}

func stage(t *testing.T, l *Lake, key string) (*Tx, string) {
	t.Helper()
	tx, err := l.Begin()
	if err != nil {
		t.Fatal(err)
	}
	f, err := tx.CreateFile(TableCloudTrail, testPart)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("data")
	f.Close()
	tx.AddSource(Source{Table: TableCloudTrail, Key: key, Size: 4, Events: 1})
	return tx, tx.rec.Files[0]
}

func TestRecoverCommittedAndDiscardUncommitted(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Committed (journal durable) but killed before applying.
	committed, committedFile := stage(t, l, "a.json")
	if err := committed.persist(); err != nil {
		t.Fatal(err)
	}
	// Staged but never committed.
	_, lostFile := stage(t, l, "b.json")
	// A second writer is refused while the first holds the lake.
	if _, err := Open(dir, nil); err == nil {
		t.Fatal("second Open succeeded while the lake was locked")
	}
	l.sources.Close()
	l.lock.Close() // the process dies: no clean Close

	l, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := os.Stat(filepath.Join(dir, committedFile)); err != nil {
		t.Errorf("committed file not in place after recovery: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, lostFile)); err == nil {
		t.Errorf("uncommitted file %s became visible", lostFile)
	}
	got, err := l.Ingested(TableCloudTrail)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["a.json"] != 4 {
		t.Errorf("ingested = %v, want only a.json", got)
	}
	left, _ := filepath.Glob(filepath.Join(dir, metaDir, "*", "*"))
	if len(left) != 0 {
		t.Errorf("journal/staging left after recovery: %v", left)
	}
}

func TestRecoverTornSourcesLog(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx, _ := stage(t, l, "a.json")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	l.sources.WriteString("cloudtrail\t\"half") // torn append
	l.Close()
	l, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx, _ = stage(t, l, "c.json")
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got, _ := l.Ingested(TableCloudTrail)
	l.Close()
	if len(got) != 2 || got["a.json"] != 4 || got["c.json"] != 4 {
		t.Errorf("ingested = %v, want a.json and c.json", got)
	}
}
