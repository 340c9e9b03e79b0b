package vigil

import "errors"

// Sentinel errors shared across packages. Wrap them with context; test with
// errors.Is.
var (
	// ErrMalformedRecord marks one bad record inside an otherwise readable input.
	ErrMalformedRecord = errors.New("malformed record")
	// ErrMalformedInput marks an input (file, object) that cannot be read as a whole.
	ErrMalformedInput = errors.New("malformed input")
	// ErrNotFound marks a missing object, saved query or resource.
	ErrNotFound = errors.New("not found")
	// ErrExists is returned by ObjectStore.Put with ifAbsent when the key exists.
	ErrExists = errors.New("object exists")
)
