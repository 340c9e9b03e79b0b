package ingest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/source"
)

// listing lists fixed objects, then fails if failAfter is set.
type listing struct {
	objs []source.Object
	fail bool
}

func (l listing) List(ctx context.Context, fn func(source.Object) error) error {
	for _, o := range l.objs {
		if err := fn(o); err != nil {
			return err
		}
	}
	if l.fail {
		return errors.New("listing broke off")
	}
	return nil
}

func s3Object(t *testing.T, key string, body []byte) source.Object {
	return source.Object{Path: key, Name: "s3://bucket/" + key, Size: int64(len(body)),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }}
}

func TestWatermarksMoveOnlyAfterCompleteRuns(t *testing.T) {
	lk := t.TempDir()
	src := t.TempDir()
	f1 := writeCT(t, src, ctFile{account: "111122223333", region: "us-east-1", day: "2020/10/22", n: 2, first: 0})
	f2 := writeCT(t, src, ctFile{account: "111122223333", region: "us-east-1", day: "2020/10/23", n: 2, first: 10})
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	k1 := "logs/AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/22/a.json.gz"
	k2 := "logs/AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/b.json.gz"
	o1, o2 := s3Object(t, k1, read(f1)), s3Object(t, k2, read(f2))
	prefix := "logs/AWSLogs/111122223333/CloudTrail/us-east-1/"

	l, err := lake.Open(lk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	known, err := LoadKnown(l)
	if err != nil {
		t.Fatal(err)
	}
	// A run whose listing broke off keeps the watermark, so the next
	// listing starts from the beginning again.
	if _, err := Run(t.Context(), l, listing{objs: []source.Object{o2}, fail: true}, Options{Known: known}); err == nil {
		t.Fatal("broken listing: no error")
	}
	if got := known.S3StartAfter(prefix); got != "" {
		t.Errorf("watermark after an incomplete run = %q, want none", got)
	}
	s, err := Run(t.Context(), l, listing{objs: []source.Object{o1, o2}}, Options{Known: known})
	if err != nil || s.Files != 2 {
		t.Fatalf("complete run: %v %+v", err, s)
	}
	if got := known.S3StartAfter(prefix); got != k2 {
		t.Errorf("watermark = %q, want %q", got, k2)
	}
	// The watermark is persisted with the lake.
	again, err := LoadKnown(l)
	if err != nil || again.S3StartAfter(prefix) != k2 {
		t.Errorf("reloaded watermark = %q (%v)", again.S3StartAfter(prefix), err)
	}
}
