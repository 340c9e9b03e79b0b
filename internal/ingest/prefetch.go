package ingest

import (
	"bytes"
	"context"
	"io"
	"sync"

	"golang.org/x/sync/semaphore"
)

// Prefetch limits: the bytes held ahead of the decoders, and the size
// above which an object is streamed by its decoder instead.
const (
	prefetchBytes   = 256 << 20
	prefetchLargest = 32 << 20
)

type fetchJob struct {
	fetch func(context.Context) (io.ReadCloser, error)
	size  int64 // budget weight
	done  chan struct{}
	data  []byte
	err   error
	once  sync.Once // the budget is returned once, even if the object is opened again (a redone batch)
}

// prefetch downloads remote objects ahead of the decoders, n at a time, so
// that network latency overlaps decoding; each input's Open then returns
// the fetched bytes. Memory is bounded by prefetchBytes. The budget is
// taken in the order the decoders consume the inputs, so the objects
// holding it are always ones a decoder will read next: no deadlock. The
// goroutines end with ctx or when every object is fetched.
func prefetch(ctx context.Context, inputs []input, n int) {
	sem := semaphore.NewWeighted(prefetchBytes)
	var jobs []*fetchJob
	for i := range inputs {
		in := &inputs[i]
		if in.obj.Size > prefetchLargest {
			continue
		}
		j := &fetchJob{fetch: in.obj.Open, size: max(in.obj.Size, 1), done: make(chan struct{})}
		jobs = append(jobs, j)
		in.obj.Open = func(ctx context.Context) (io.ReadCloser, error) {
			select {
			case <-j.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if j.err != nil {
				return nil, j.err
			}
			return &released{Reader: bytes.NewReader(j.data), release: func() { j.once.Do(func() { sem.Release(j.size) }) }}, nil
		}
	}
	work := make(chan *fetchJob)
	go func() {
		defer close(work)
		for i, j := range jobs {
			if err := sem.Acquire(ctx, j.size); err != nil {
				for _, left := range jobs[i:] {
					left.err = err
					close(left.done)
				}
				return
			}
			work <- j
		}
	}()
	for range n {
		go func() {
			for j := range work {
				rc, err := j.fetch(ctx)
				if err == nil {
					var buf bytes.Buffer
					buf.Grow(int(j.size))
					_, err = buf.ReadFrom(rc)
					rc.Close()
					j.data = buf.Bytes()
				}
				if err != nil {
					j.err = err
					j.once.Do(func() { sem.Release(j.size) })
				}
				close(j.done)
			}
		}()
	}
}

// released returns its bytes to the prefetch budget when closed.
type released struct {
	*bytes.Reader
	release func()
	closed  bool
}

func (r *released) Close() error {
	if !r.closed {
		r.closed = true
		r.release()
	}
	return nil
}
