package awsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// S3Store is a vigil.ObjectStore over an S3 bucket prefix, for lakes kept
// in S3 (so that Athena or Trino query them).
type S3Store struct {
	Client *s3.Client
	Bucket string
	Prefix string // "" or "dir/sub/" (with the trailing slash)
}

var _ vigil.ObjectStore = (*S3Store)(nil)

// NewS3Store returns a store for s3://bucket/prefix.
func NewS3Store(c *s3.Client, bucket, prefix string) *S3Store {
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3Store{Client: c, Bucket: bucket, Prefix: prefix}
}

func (s *S3Store) key(k string) string { return s.Prefix + k }

// String implements vigil.ObjectStore.
func (s *S3Store) String() string { return "s3://" + path.Join(s.Bucket, s.Prefix) }

// Put implements vigil.ObjectStore. ifAbsent uses S3's conditional write
// (If-None-Match: *).
func (s *S3Store) Put(ctx context.Context, key string, body io.ReadSeeker, ifAbsent bool) error {
	in := &s3.PutObjectInput{Bucket: &s.Bucket, Key: aws.String(s.key(key)), Body: body}
	if ifAbsent {
		in.IfNoneMatch = aws.String("*")
	}
	_, err := s.Client.PutObject(ctx, in)
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict") {
			return fmt.Errorf("put s3://%s/%s: %w", s.Bucket, s.key(key), vigil.ErrExists)
		}
		return fmt.Errorf("put s3://%s/%s: %w", s.Bucket, s.key(key), err)
	}
	return nil
}

// Get implements vigil.ObjectStore.
func (s *S3Store) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.Bucket, Key: aws.String(s.key(key))})
	if err != nil {
		return nil, s.notFound("get", key, err)
	}
	return out.Body, nil
}

// Copy implements vigil.ObjectStore.
func (s *S3Store) Copy(ctx context.Context, from, to string) error {
	src := url.PathEscape(s.Bucket) + "/" + escapeKey(s.key(from))
	_, err := s.Client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &s.Bucket, Key: aws.String(s.key(to)), CopySource: &src})
	if err != nil {
		return s.notFound("copy", from, err)
	}
	return nil
}

// Delete implements vigil.ObjectStore.
func (s *S3Store) Delete(ctx context.Context, key string) error {
	_, err := s.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.Bucket, Key: aws.String(s.key(key))})
	if err != nil {
		return fmt.Errorf("delete s3://%s/%s: %w", s.Bucket, s.key(key), err)
	}
	return nil
}

// List implements vigil.ObjectStore.
func (s *S3Store) List(ctx context.Context, prefix string, fn func(string, int64) error) error {
	p := s3.NewListObjectsV2Paginator(s.Client, &s3.ListObjectsV2Input{Bucket: &s.Bucket, Prefix: aws.String(s.key(prefix))})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list s3://%s/%s: %w", s.Bucket, s.key(prefix), err)
		}
		for _, o := range page.Contents {
			if err := fn(strings.TrimPrefix(aws.ToString(o.Key), s.Prefix), aws.ToInt64(o.Size)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *S3Store) notFound(op, key string, err error) error {
	var nsk *types.NoSuchKey
	var ae smithy.APIError
	if errors.As(err, &nsk) || errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound") {
		return fmt.Errorf("%s s3://%s/%s: %w", op, s.Bucket, s.key(key), vigil.ErrNotFound)
	}
	return fmt.Errorf("%s s3://%s/%s: %w", op, s.Bucket, s.key(key), err)
}

// escapeKey URL-encodes a key for CopySource, keeping the slashes.
func escapeKey(k string) string {
	parts := strings.Split(k, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
