package awsapi_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/source/sourcetest"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func TestS3StoreAgainstMoto(t *testing.T) {
	env := sourcetest.NewEnv(t, awsfake.SharedMoto(t))
	bucket := sourcetest.Name(t)
	env.CreateBucket(t, bucket)
	s := awsapi.NewS3Store(env.S3, bucket, "/vigil/")
	ctx := t.Context()
	if got := s.String(); got != "s3://"+bucket+"/vigil" {
		t.Errorf("String = %q", got)
	}
	if err := s.Put(ctx, "_vigil/lock", strings.NewReader("me"), true); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "_vigil/lock", strings.NewReader("other"), true); !errors.Is(err, vigil.ErrExists) {
		t.Fatalf("conditional put over an existing key: %v, want ErrExists", err)
	}
	if err := s.Put(ctx, "a/b c+d.parquet", strings.NewReader("data"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.Copy(ctx, "a/b c+d.parquet", "t/x.parquet"); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Get(ctx, "t/x.parquet")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "data" {
		t.Errorf("copied content = %q", b)
	}
	if _, err := s.Get(ctx, "missing"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("get missing: %v, want ErrNotFound", err)
	}
	if err := s.Copy(ctx, "missing", "t/y"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("copy missing: %v, want ErrNotFound", err)
	}
	var keys []string
	if err := s.List(ctx, "", func(k string, _ int64) error { keys = append(keys, k); return nil }); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys, ","); got != "_vigil/lock,a/b c+d.parquet,t/x.parquet" {
		t.Errorf("keys = %s", got)
	}
	if err := s.Delete(ctx, "t/x.parquet"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "t/x.parquet"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
}
