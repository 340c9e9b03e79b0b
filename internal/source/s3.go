package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// S3API is the part of the S3 API that S3 and SQSNotifications call.
// *s3.Client implements it. Implementations must be safe for concurrent
// use.
type S3API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Defaults of the S3 source.
const (
	// DefaultS3Concurrency is how many prefixes S3 lists at once.
	DefaultS3Concurrency = 16
	// DefaultLookback is how far before the day of the StartAfter key a
	// listing resumes: S3 keys are not delivered in key order (files of
	// one minute differ only by a random suffix; a file named 23:59 can
	// land after 00:00 files of the next day), so resuming right after the
	// greatest ingested key could skip a late one forever.
	DefaultLookback = 24 * time.Hour
)

// S3 lists the objects of a bucket, incrementally.
//
// When the bucket holds AWS's delivery layout under Prefix
// (<Prefix>AWSLogs/[<o-org>/]<account>/<service>/<region>/YYYY/MM/DD/...,
// or the Hive-style flow-log layout aws-account-id=/aws-service=/
// aws-region=/year=/month=/day=), S3 discovers accounts, services and
// regions with delimiter listings, keeps those selected by Accounts,
// Services and Regions, and lists each account/service/region prefix from
// the later of the Since day and the StartAfter resumption point, stopping
// at the first key past the Until day. Prefixes are listed Concurrency at
// a time; fn is called from List's goroutine, prefix after prefix in key
// order, so the order of objects is deterministic.
//
// Otherwise (no AWSLogs/ under Prefix, or Prefix inside it), S3 lists
// Prefix recursively, without filters.
//
// Objects: Path is the key, Name is s3://bucket/key, Size the listed size;
// Open gets the object (an error wrapping vigil.ErrNotFound if it is gone).
type S3 struct {
	// Client must be set.
	Client S3API
	// Bucket must be set. Prefix is a folder ("" for the whole bucket; a
	// missing trailing "/" is added). It may end in AWSLogs/.
	Bucket, Prefix string
	// Accounts and Regions, if set, select the accounts and regions listed.
	Accounts, Regions []string
	// Since and Until, if set, bound the delivery days listed (UTC days,
	// both included). They apply to the delivery layout only: keys are
	// named by delivery time, which is at most minutes after the events'.
	Since, Until time.Time
	// Services are the service folders listed under each account, matched
	// without regard to case: "CloudTrail" (the default),
	// "CloudTrail-Insight", "vpcflowlogs".
	Services []string
	// StartAfter, if set, returns the greatest key already ingested under
	// an account/service/region prefix (a full key; "" when none). The
	// listing of that prefix resumes Lookback before that key's day.
	// Keys below the value must all have been ingested: return a low
	// watermark, not the greatest key of a run that left gaps.
	// It is called from several goroutines at once.
	StartAfter func(prefix string) string
	// Lookback is how far before the day of the StartAfter key listings
	// resume, in whole days (default DefaultLookback). A negative value
	// resumes right after the key.
	Lookback time.Duration
	// Concurrency bounds the prefixes listed at once (default
	// DefaultS3Concurrency).
	Concurrency int
}

var _ Lister = (*S3)(nil)

// leaf is a prefix listed in full.
type leaf struct {
	prefix string
	hive   bool // year=YYYY/month=MM/day=DD/ below prefix
	flat   bool // outside the delivery layout: no dates
}

// List implements Lister.
func (s *S3) List(ctx context.Context, fn func(Object) error) error {
	if s.Client == nil || s.Bucket == "" {
		return errors.New("BUG: source.S3 needs a Client and a Bucket")
	}
	prefix := s.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	root := prefix + "AWSLogs/"
	if prefix == "AWSLogs/" || strings.HasSuffix(prefix, "/AWSLogs/") {
		root = prefix
	}
	leaves, found, err := s.discover(ctx, root)
	if err != nil {
		return err
	}
	if !found {
		leaves = []leaf{{prefix: prefix, flat: true}}
	}
	return s.listLeaves(ctx, leaves, fn)
}

func (s *S3) concurrency() int {
	if s.Concurrency > 0 {
		return s.Concurrency
	}
	return DefaultS3Concurrency
}

// account is one account folder under AWSLogs/.
type account struct {
	prefix string
	hive   bool
}

// discover returns the account/service/region prefixes under root. found
// is false when root holds nothing at all.
func (s *S3) discover(ctx context.Context, root string) (leaves []leaf, found bool, err error) {
	names, found, err := s.children(ctx, root)
	if err != nil || !found {
		return nil, found, err
	}
	var accounts []account
	add := func(parent, name string) {
		switch {
		case vigil.IsAccountID(name) && s.wantAccount(name):
			accounts = append(accounts, account{prefix: parent + name + "/"})
		case strings.HasPrefix(name, "aws-account-id="):
			if id := strings.TrimPrefix(name, "aws-account-id="); vigil.IsAccountID(id) && s.wantAccount(id) {
				accounts = append(accounts, account{prefix: parent + name + "/", hive: true})
			}
		}
	}
	for _, name := range names {
		if !vigil.IsOrgID(name) {
			add(root, name)
			continue
		}
		org := root + name + "/"
		members, _, err := s.children(ctx, org)
		if err != nil {
			return nil, true, err
		}
		for _, m := range members {
			add(org, m)
		}
	}

	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.concurrency())
	for _, a := range accounts {
		g.Go(func() error {
			ls, err := s.accountLeaves(gctx, a)
			mu.Lock()
			leaves = append(leaves, ls...)
			mu.Unlock()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, true, err
	}
	slices.SortFunc(leaves, func(a, b leaf) int { return strings.Compare(a.prefix, b.prefix) })
	return leaves, true, nil
}

// accountLeaves returns the selected service/region prefixes of one account.
func (s *S3) accountLeaves(ctx context.Context, a account) ([]leaf, error) {
	services, _, err := s.children(ctx, a.prefix)
	if err != nil {
		return nil, err
	}
	var out []leaf
	for _, svc := range services {
		name := svc
		if a.hive {
			name = strings.TrimPrefix(strings.TrimPrefix(name, "aws-service="), "service=")
		}
		if !s.wantService(name) {
			continue
		}
		sp := a.prefix + svc + "/"
		regions, _, err := s.children(ctx, sp)
		if err != nil {
			return nil, err
		}
		for _, r := range regions {
			region := r
			if a.hive {
				var ok bool
				if region, ok = strings.CutPrefix(r, "aws-region="); !ok {
					continue
				}
			}
			if len(s.Regions) > 0 && !slices.Contains(s.Regions, region) {
				continue
			}
			out = append(out, leaf{prefix: sp + r + "/", hive: a.hive})
		}
	}
	return out, nil
}

func (s *S3) wantAccount(id string) bool {
	return len(s.Accounts) == 0 || slices.Contains(s.Accounts, id)
}

func (s *S3) wantService(name string) bool {
	services := s.Services
	if len(services) == 0 {
		services = []string{"CloudTrail"}
	}
	return slices.ContainsFunc(services, func(w string) bool { return strings.EqualFold(w, name) })
}

// children lists the folder names directly under prefix (a delimiter
// listing). found tells whether prefix holds anything at all.
func (s *S3) children(ctx context.Context, prefix string) (names []string, found bool, err error) {
	p := s3.NewListObjectsV2Paginator(s.Client, &s3.ListObjectsV2Input{
		Bucket:    aws.String(s.Bucket),
		Prefix:    aws.String(prefix),
		Delimiter: aws.String("/"),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, false, s.listError(prefix, err)
		}
		found = found || len(out.Contents) > 0 || len(out.CommonPrefixes) > 0
		for _, cp := range out.CommonPrefixes {
			name := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/")
			if name != "" {
				names = append(names, name)
			}
		}
	}
	return names, found, nil
}

// listLeaves lists the leaves Concurrency at a time and hands their objects
// to fn in leaf order, from this goroutine.
func (s *S3) listLeaves(ctx context.Context, leaves []leaf, fn func(Object) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		objs []Object
		err  error
		done chan struct{}
	}
	res := make([]result, len(leaves))
	for i := range res {
		res[i].done = make(chan struct{})
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.concurrency())
	launched := make(chan struct{})
	go func() {
		defer close(launched)
		for i, l := range leaves {
			if gctx.Err() != nil {
				return
			}
			g.Go(func() error {
				defer close(res[i].done)
				res[i].objs, res[i].err = s.listLeaf(gctx, l)
				return res[i].err
			})
		}
	}()
	complete, err := func() (bool, error) {
		for i := range res {
			select {
			case <-res[i].done:
			case <-gctx.Done():
				return false, nil // the cause comes from g.Wait
			}
			if res[i].err != nil {
				return false, res[i].err
			}
			for _, o := range res[i].objs {
				if err := fn(o); err != nil {
					return false, err
				}
			}
			res[i].objs = nil
		}
		return true, nil
	}()
	cancel()
	<-launched
	werr := g.Wait()
	switch {
	case err != nil:
		return err
	case complete:
		return nil
	case werr != nil:
		return werr
	}
	return context.Cause(gctx)
}

// listLeaf lists one prefix within the time bounds.
func (s *S3) listLeaf(ctx context.Context, l leaf) ([]Object, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.Bucket), Prefix: aws.String(l.prefix)}
	var stop string
	if !l.flat {
		var start string
		if !s.Since.IsZero() {
			start = l.prefix + l.day(s.Since)
		}
		if s.StartAfter != nil {
			if r := s.resume(l, s.StartAfter(l.prefix)); r > start {
				start = r
			}
		}
		if start != "" {
			in.StartAfter = aws.String(start)
		}
		if !s.Until.IsZero() {
			stop = l.prefix + l.day(s.Until.UTC().AddDate(0, 0, 1))
		}
	}
	var out []Object
	p := s3.NewListObjectsV2Paginator(s.Client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.listError(l.prefix, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			if stop != "" && key >= stop {
				return out, nil
			}
			if strings.HasSuffix(key, "/") { // folder marker
				continue
			}
			out = append(out, s3Object(s.Client, s.Bucket, key, aws.ToInt64(o.Size)))
		}
	}
	return out, nil
}

// resume returns the key to list after, given the StartAfter key k.
func (s *S3) resume(l leaf, k string) string {
	rest, ok := strings.CutPrefix(k, l.prefix)
	if k == "" || !ok {
		return ""
	}
	if s.Lookback < 0 {
		return k
	}
	lb := s.Lookback
	if lb == 0 {
		lb = DefaultLookback
	}
	d, ok := l.parseDay(rest)
	if !ok {
		return "" // not date-shaped: list the whole prefix rather than guess
	}
	return l.prefix + l.day(d.Add(-lb))
}

const (
	dayLayout     = "2006/01/02/"
	hiveDayLayout = "year=2006/month=01/day=02/"
)

// day returns the folder of t's UTC day below a leaf prefix.
func (l leaf) day(t time.Time) string {
	if l.hive {
		return t.UTC().Format(hiveDayLayout)
	}
	return t.UTC().Format(dayLayout)
}

// parseDay reads the day folder at the start of a key below the leaf.
func (l leaf) parseDay(rest string) (time.Time, bool) {
	layout := dayLayout
	if l.hive {
		layout = hiveDayLayout
	}
	if len(rest) < len(layout) {
		return time.Time{}, false
	}
	t, err := time.Parse(layout, rest[:len(layout)])
	return t, err == nil
}

func (s *S3) listError(prefix string, err error) error {
	var nb *types.NoSuchBucket
	if errors.As(err, &nb) {
		return fmt.Errorf("list s3://%s/%s: %w: %w", s.Bucket, prefix, vigil.ErrNotFound, err)
	}
	return fmt.Errorf("list s3://%s/%s: %w", s.Bucket, prefix, err)
}

// s3Object returns the Object for an S3 key.
func s3Object(c S3API, bucket, key string, size int64) Object {
	name := "s3://" + bucket + "/" + key
	return Object{
		Path: key,
		Name: name,
		Size: size,
		Open: func(ctx context.Context) (io.ReadCloser, error) {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			if err != nil {
				if isNotFound(err) {
					return nil, fmt.Errorf("get %s: %w: %w", name, vigil.ErrNotFound, err)
				}
				return nil, fmt.Errorf("get %s: %w", name, err)
			}
			return &s3Body{rc: out.Body, name: name}, nil
		},
	}
}

func isNotFound(err error) bool {
	var nk *types.NoSuchKey
	var nb *types.NoSuchBucket
	var ae smithy.APIError
	return errors.As(err, &nk) || errors.As(err, &nb) ||
		errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound")
}

// s3Body names the object in read errors (a reset connection, a truncated
// body).
type s3Body struct {
	rc   io.ReadCloser
	name string
}

func (b *s3Body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("read %s: %w", b.name, err)
	}
	return n, err
}

func (b *s3Body) Close() error { return b.rc.Close() }

// ParseS3URL splits s3://bucket[/prefix] into its bucket and prefix.
func ParseS3URL(s string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return "", "", fmt.Errorf("%q: want s3://bucket[/prefix]", s)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if !validBucket(bucket) {
		return "", "", fmt.Errorf("%q: bucket name %q: want 3 to 63 letters, digits, '.', '-' or '_'", s, bucket)
	}
	return bucket, prefix, nil
}

// validBucket accepts current bucket names and legacy ones (capitals and
// underscores were once allowed in us-east-1).
func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
