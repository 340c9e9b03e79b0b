package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/pflag"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/lake"
)

// awsFlags are the AWS connection flags shared by commands that call AWS.
type awsFlags struct {
	opts awsapi.Options
}

func (f *awsFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.opts.Profile, "profile", "", "AWS shared config profile (default: the standard credential chain)")
	fs.StringVar(&f.opts.Region, "region", "", "AWS region (default: from the profile or environment)")
	fs.StringVar(&f.opts.EndpointURL, "endpoint-url", "", "AWS endpoint for every service (S3-compatible stores, LocalStack, moto)")
}

func (f *awsFlags) config(ctx context.Context) (aws.Config, error) {
	cfg, err := awsapi.Config(ctx, f.opts)
	if err != nil {
		return aws.Config{}, usageError{err}
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return cfg, nil
}

// openLake opens a local lake folder, or a remote lake at s3://bucket/prefix.
func openLake(ctx context.Context, dir string, af *awsFlags, log *slog.Logger) (*lake.Lake, error) {
	if !strings.HasPrefix(dir, "s3://") {
		if strings.Contains(dir, "://") {
			return nil, usagef("--lake %s: want a folder or s3://bucket/prefix", dir)
		}
		return lake.Open(dir, log)
	}
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(dir, "s3://"), "/")
	if bucket == "" {
		return nil, usagef("--lake %s: no bucket", dir)
	}
	cfg, err := af.config(ctx)
	if err != nil {
		return nil, err
	}
	store := awsapi.NewS3Store(awsapi.S3Client(cfg, af.opts), bucket, prefix)
	l, err := lake.OpenRemote(ctx, store, log)
	if err != nil {
		return nil, fmt.Errorf("open lake %s: %w", dir, err)
	}
	return l, nil
}
