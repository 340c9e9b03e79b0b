package vigil

import (
	"context"
	"io"
)

// ObjectStore is the little of an object store (S3) a remote lake needs.
// Keys are relative to the lake's prefix. Implementations live with their
// SDK (awsapi.S3Store).
type ObjectStore interface {
	// Put writes an object atomically. With ifAbsent, it fails with an
	// error wrapping ErrExists when the key exists (a conditional write).
	Put(ctx context.Context, key string, body io.ReadSeeker, ifAbsent bool) error
	// Get returns an object's content; a missing key wraps ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Copy copies an object within the store.
	Copy(ctx context.Context, from, to string) error
	// Delete removes an object; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every key under prefix, in key order.
	List(ctx context.Context, prefix string, fn func(key string, size int64) error) error
	// String names the store for messages: s3://bucket/prefix.
	String() string
}
