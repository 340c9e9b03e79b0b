package source

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Object is one input: a file, an S3 object, a CloudWatch Logs stream
// slice.
type Object struct {
	// Path is what layout parsing looks at: a file path or an S3 key.
	Path string
	// Name identifies the object to people and in the lake's record of
	// ingested inputs when its path is outside the known layouts: an
	// absolute file path, s3://bucket/key, cwlogs://group/stream.
	Name string
	Size int64
	// Region, if set, is where the object's records come from when they do
	// not say (a CloudWatch Logs group's region, for flow logs of the
	// default format, which have no region field).
	Region string
	// Open returns the object's bytes as stored (possibly compressed).
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// Lister enumerates objects. List calls fn for each object, in an order
// that keeps a partition's objects together when the layout allows;
// fn's error stops the listing and is returned.
type Lister interface {
	List(ctx context.Context, fn func(Object) error) error
}

// Local lists the regular files under Roots (files or folders), skipping
// hidden files and folders (".name") and the folders in Skip.
type Local struct {
	Roots []string
	Skip  []string
}

var _ Lister = Local{}

// List implements Lister.
func (l Local) List(ctx context.Context, fn func(Object) error) error {
	skip := map[string]bool{}
	for _, s := range l.Skip {
		if abs, err := filepath.Abs(s); err == nil {
			skip[abs] = true
		}
	}
	for _, root := range l.Roots {
		abs, err := filepath.Abs(root)
		if err != nil {
			return err
		}
		err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("read %s: %w", path, err)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if path != abs && strings.HasPrefix(d.Name(), ".") || d.IsDir() && skip[path] {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return fmt.Errorf("stat %s: %w", path, err)
			}
			return fn(Object{Path: path, Name: path, Size: info.Size(), Open: openFile(path)})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func openFile(path string) func(context.Context) (io.ReadCloser, error) {
	return func(context.Context) (io.ReadCloser, error) { return os.Open(path) }
}

// Multi lists several sources one after the other.
type Multi []Lister

// List implements Lister.
func (m Multi) List(ctx context.Context, fn func(Object) error) error {
	for _, l := range m {
		if err := l.List(ctx, fn); err != nil {
			return err
		}
	}
	return nil
}

// Static lists a fixed set of objects (from S3 event notifications, say).
type Static []Object

// List implements Lister.
func (s Static) List(ctx context.Context, fn func(Object) error) error {
	for _, o := range s {
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}
