package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/ingest"
)

// Upload copies the files under dir to s3://bucket/<their path under
// dir>, creating the bucket, 16 at a time.
func Upload(ctx context.Context, o awsapi.Options, dir, bucket string) error {
	cfg, err := awsapi.Config(ctx, o)
	if err != nil {
		return err
	}
	c := awsapi.S3Client(cfg, o)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		g.Go(func() error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			key := filepath.ToSlash(rel)
			_, err = c.PutObject(gctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: f})
			return err
		})
		return nil
	})
	if err != nil {
		return err
	}
	return g.Wait()
}

// IngestChild runs `vigil ingest --json` with args in a child process and
// returns its stats and peak memory.
func IngestChild(ctx context.Context, self string, args []string) (PhaseResult, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, self, append([]string{"ingest", "--json", "--progress=false"}, args...)...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return PhaseResult{}, fmt.Errorf("vigil ingest %v: %w", args, err)
	}
	var s ingest.Stats
	if err := json.Unmarshal(b, &s); err != nil {
		return PhaseResult{}, fmt.Errorf("ingest output %q: %w", b, err)
	}
	res := PhaseResult{Engine: "vigil-s3", Events: s.Records(), Duration: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.PeakRSS = ru.Maxrss * 1024
	}
	return res, nil
}

// DownloadAll reads every object of bucket, 16 at a time, and returns how
// long it took: the S3 server's own ceiling, against which ingest from S3
// is measured.
func DownloadAll(ctx context.Context, o awsapi.Options, bucket string) (time.Duration, int64, error) {
	start := time.Now()
	cfg, err := awsapi.Config(ctx, o)
	if err != nil {
		return 0, 0, err
	}
	c := awsapi.S3Client(cfg, o)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	var total atomic.Int64
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, 0, err
		}
		for _, obj := range page.Contents {
			key := obj.Key
			g.Go(func() error {
				out, err := c.GetObject(gctx, &s3.GetObjectInput{Bucket: &bucket, Key: key})
				if err != nil {
					return err
				}
				n, err := io.Copy(io.Discard, out.Body)
				out.Body.Close()
				total.Add(n)
				return err
			})
		}
	}
	err = g.Wait()
	return time.Since(start), total.Load(), err
}
