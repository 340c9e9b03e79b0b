package source_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/source"
	"github.com/vigil-sec/vigil/internal/source/sourcetest"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// newEnv returns clients that reach the package's moto through a fault
// proxy of the test's own.
func newEnv(t *testing.T) (*sourcetest.Env, *awsfake.FaultProxy) {
	t.Helper()
	p := awsfake.NewFaultProxy(t, awsfake.SharedMoto(t))
	return sourcetest.NewEnv(t, p.URL), p
}

// resourceName is a bucket, queue or group name of the test's own.
func resourceName(t *testing.T) string { return sourcetest.Name(t) }

var (
	day1 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	day  = func(n int) time.Time { return day1.AddDate(0, 0, n-1) }
)

const (
	acctA = "111111111111"
	acctB = "222222222222"
	org   = "o-abcdef1234"
)

// seed writes objects at keys and returns the keys sorted.
func seed(t *testing.T, e *sourcetest.Env, bucket string, keys ...string) []string {
	t.Helper()
	for _, k := range keys {
		e.Put(t, bucket, k, sourcetest.TrailFile(t))
	}
	return slices.Sorted(slices.Values(keys))
}

// list returns the objects a lister gives, in order.
func list(t *testing.T, l source.Lister) []source.Object {
	t.Helper()
	var out []source.Object
	if err := l.List(t.Context(), func(o source.Object) error {
		out = append(out, o)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func paths(objs []source.Object) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, o.Path)
	}
	return out
}

// trailKeys returns CloudTrail keys for each account, region and day, n
// files each.
func trailKeys(prefix, org string, accounts, regions []string, days []time.Time, n int) []string {
	var out []string
	for _, a := range accounts {
		for _, r := range regions {
			for _, d := range days {
				for i := range n {
					out = append(out, sourcetest.TrailKey(prefix, org, a, r, d, i))
				}
			}
		}
	}
	return out
}

func TestS3ListCloudTrailLayout(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	want := seed(t, e, bucket, trailKeys("logs/", "", []string{acctA, acctB}, []string{"eu-west-1", "us-east-1"}, []time.Time{day(1), day(2)}, 2)...)
	// Not listed: digests, other services, files outside the layout.
	seed(t, e, bucket,
		"logs/AWSLogs/"+acctA+"/CloudTrail-Digest/us-east-1/2024/01/01/"+acctA+"_CloudTrail-Digest_us-east-1_x_20240101T0000Z.json.gz",
		sourcetest.FlowLogKey("logs/", acctA, "us-east-1", day(1), 0, false),
		"logs/README.txt",
		"other/AWSLogs/"+acctA+"/CloudTrail/us-east-1/2024/01/01/x.json.gz",
	)
	for _, conc := range []int{1, 16} {
		s := &source.S3{Client: e.S3, Bucket: bucket, Prefix: "logs", Concurrency: conc}
		got := list(t, s)
		if diff := cmp.Diff(want, paths(got)); diff != "" {
			t.Fatalf("concurrency %d: keys (-want +got):\n%s", conc, diff)
		}
	}
	o := list(t, &source.S3{Client: e.S3, Bucket: bucket, Prefix: "logs/"})[0]
	if o.Name != "s3://"+bucket+"/"+o.Path || o.Size != int64(len(sourcetest.TrailFile(t))) {
		t.Errorf("object %q: name %q, size %d", o.Path, o.Name, o.Size)
	}
	if got := readGzip(t, o); got != `{"Records":[]}` {
		t.Errorf("content %q", got)
	}
}

func readGzip(t *testing.T, o source.Object) string {
	t.Helper()
	rc, err := o.Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	zr, err := gzip.NewReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestS3ListOrgLayout(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	want := seed(t, e, bucket, slices.Concat(
		trailKeys("", org, []string{acctA, acctB}, []string{"us-east-1"}, []time.Time{day(1)}, 2),
		trailKeys("", "", []string{acctB}, []string{"us-east-1"}, []time.Time{day(1)}, 1), // a non-org trail beside it
	)...)
	for _, prefix := range []string{"", "AWSLogs", "AWSLogs/"} {
		got := list(t, &source.S3{Client: e.S3, Bucket: bucket, Prefix: prefix})
		if diff := cmp.Diff(want, paths(got)); diff != "" {
			t.Errorf("prefix %q: keys (-want +got):\n%s", prefix, diff)
		}
	}
}

func TestS3Filters(t *testing.T) {
	t.Parallel()
	e, p := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	days := []time.Time{day(1), day(2), day(3), day(4)}
	all := seed(t, e, bucket, trailKeys("", org, []string{acctA, acctB}, []string{"eu-west-1", "us-east-1"}, days, 2)...)
	keep := func(f func(k string) bool) []string {
		out := []string{}
		for _, k := range all {
			if f(k) {
				out = append(out, k)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		s    source.S3
		want []string
	}{
		{"accounts", source.S3{Accounts: []string{acctB}}, keep(func(k string) bool { return strings.Contains(k, "/"+acctB+"/") })},
		{"regions", source.S3{Regions: []string{"eu-west-1"}}, keep(func(k string) bool { return strings.Contains(k, "/eu-west-1/") })},
		{"since", source.S3{Since: day(3).Add(5 * time.Hour)}, keep(func(k string) bool { return strings.Contains(k, "/2024/01/03/") || strings.Contains(k, "/2024/01/04/") })},
		{"until", source.S3{Until: day(2).Add(23 * time.Hour)}, keep(func(k string) bool { return strings.Contains(k, "/2024/01/01/") || strings.Contains(k, "/2024/01/02/") })},
		{"since until", source.S3{Since: day(2), Until: day(2)}, keep(func(k string) bool { return strings.Contains(k, "/2024/01/02/") })},
		{"all filters", source.S3{Accounts: []string{acctA}, Regions: []string{"us-east-1"}, Since: day(4), Until: day(9)},
			keep(func(k string) bool {
				return strings.Contains(k, "/"+acctA+"/CloudTrail/us-east-1/2024/01/04/")
			})},
		{"no such account", source.S3{Accounts: []string{"333333333333"}}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.ClearRequests()
			s := tc.s
			s.Client, s.Bucket = e.S3, bucket
			if diff := cmp.Diff(tc.want, paths(list(t, &s))); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			// Since starts each region's listing at its day: no key before
			// it is listed. (Until stops the listing after the page that
			// passes it; S3 has no "end before".)
			if tc.s.Since.IsZero() {
				return
			}
			listed := 0
			for _, r := range p.Requests() {
				listed += r.Keys
			}
			if tc.s.Until.IsZero() && listed != len(tc.want) {
				t.Errorf("%d keys listed for %d wanted", listed, len(tc.want))
			}
			for _, r := range p.Requests() {
				if r.Op == "ListObjectsV2" && r.Query.Get("delimiter") == "" && !tc.s.Since.IsZero() &&
					!strings.HasSuffix(r.Query.Get("start-after"), tc.s.Since.Format("2006/01/02/")) {
					t.Errorf("listing of %q starts after %q", r.Query.Get("prefix"), r.Query.Get("start-after"))
				}
			}
		})
	}
}

func TestS3StartAfterIncremental(t *testing.T) {
	t.Parallel()
	e, p := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	var days []time.Time
	for i := 1; i <= 6; i++ {
		days = append(days, day(i))
	}
	all := seed(t, e, bucket, trailKeys("", "", []string{acctA}, []string{"us-east-1"}, days, 3)...)
	region := "AWSLogs/" + acctA + "/CloudTrail/us-east-1/"

	// The first run ingests days 1 to 3.
	ingested := map[string]bool{}
	for _, k := range all[:9] {
		ingested[k] = true
	}
	startAfter := func(prefix string) string {
		best := ""
		for k := range ingested {
			if strings.HasPrefix(k, prefix) && k > best {
				best = k
			}
		}
		return best
	}
	listedKeys := func() (n int, startAfter string) {
		for _, r := range p.Requests() {
			if r.Op == "ListObjectsV2" && r.Query.Get("prefix") == region {
				n += r.Keys
				startAfter = r.Query.Get("start-after")
			}
		}
		return n, startAfter
	}

	t.Run("exact", func(t *testing.T) {
		p.ClearRequests()
		got := list(t, &source.S3{Client: e.S3, Bucket: bucket, StartAfter: startAfter, Lookback: -1})
		if diff := cmp.Diff(all[9:], paths(got)); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
		if n, sa := listedKeys(); n != 9 || sa != all[8] {
			t.Errorf("listed %d keys after %q, want 9 after %q", n, sa, all[8])
		}
	})
	t.Run("lookback", func(t *testing.T) {
		// The default resumes a day before the last ingested day (day 3),
		// so a late file of day 2 or 3 is still found; the record of
		// ingested keys drops the rest.
		late := sourcetest.TrailKey("", "", acctA, "us-east-1", day(3), 0)
		late = strings.Replace(late, "_0000000000000000.json.gz", "_0000000000000000-late.json.gz", 1)
		seed(t, e, bucket, late)
		defer e.Delete(t, bucket, late)

		p.ClearRequests()
		got := list(t, &source.S3{Client: e.S3, Bucket: bucket, StartAfter: startAfter})
		var fresh []string
		for _, k := range paths(got) {
			if !ingested[k] {
				fresh = append(fresh, k)
			}
		}
		want := slices.Sorted(slices.Values(append(slices.Clone(all[9:]), late)))
		if diff := cmp.Diff(want, fresh); diff != "" {
			t.Errorf("new keys (-want +got):\n%s", diff)
		}
		if n, sa := listedKeys(); n != 16 || sa != region+"2024/01/02/" {
			t.Errorf("listed %d keys after %q, want 16 (days 2 to 6 and the late one) after the day 2 folder", n, sa)
		}
	})
	t.Run("since is later", func(t *testing.T) {
		got := list(t, &source.S3{Client: e.S3, Bucket: bucket, StartAfter: startAfter, Since: day(5)})
		if diff := cmp.Diff(all[12:], paths(got)); diff != "" {
			t.Errorf("keys (-want +got):\n%s", diff)
		}
	})
}

func TestS3HiveFlowLogs(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	var hive, plain []string
	for _, d := range []time.Time{day(1), day(2), day(3)} {
		hive = append(hive, sourcetest.FlowLogKey("", acctA, "us-east-1", d, 0, true))
		plain = append(plain, sourcetest.FlowLogKey("", acctB, "us-east-1", d, 0, false))
	}
	seed(t, e, bucket, slices.Concat(hive, plain)...)
	seed(t, e, bucket, trailKeys("", "", []string{acctA}, []string{"us-east-1"}, []time.Time{day(1)}, 1)...)

	got := list(t, &source.S3{Client: e.S3, Bucket: bucket, Services: []string{"vpcflowlogs"}, Since: day(2), Until: day(2)})
	want := []string{plain[1], hive[1]} // in key order
	if diff := cmp.Diff(want, paths(got)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	got = list(t, &source.S3{Client: e.S3, Bucket: bucket, Services: []string{"vpcflowlogs"}, StartAfter: func(p string) string {
		if strings.Contains(p, "aws-account-id=") {
			return hive[2]
		}
		return ""
	}, Lookback: -1})
	if diff := cmp.Diff(plain, paths(got)); diff != "" {
		t.Errorf("resumed keys (-want +got):\n%s", diff)
	}
}

func TestS3OtherLayout(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	want := seed(t, e, bucket, "exports/2024/a.json.gz", "exports/2024/b/c.json", "exports/z.json")
	seed(t, e, bucket, "elsewhere/d.json")
	got := list(t, &source.S3{Client: e.S3, Bucket: bucket, Prefix: "exports", Since: day(9)}) // filters do not apply
	if diff := cmp.Diff(want, paths(got)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if got := list(t, &source.S3{Client: e.S3, Bucket: bucket, Prefix: "nothing/"}); len(got) != 0 {
		t.Errorf("empty prefix: %v", paths(got))
	}
}

func TestS3Errors(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)

	err := (&source.S3{Client: e.S3, Bucket: bucket}).List(t.Context(), func(source.Object) error { return nil })
	if !errors.Is(err, vigil.ErrNotFound) || !strings.Contains(err.Error(), "s3://"+bucket) {
		t.Errorf("missing bucket: %v", err)
	}

	e.CreateBucket(t, bucket)
	keys := seed(t, e, bucket, trailKeys("", "", []string{acctA, acctB}, []string{"us-east-1"}, []time.Time{day(1)}, 2)...)
	stop := errors.New("stop")
	n := 0
	err = (&source.S3{Client: e.S3, Bucket: bucket}).List(t.Context(), func(source.Object) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("fn error: %v after %d calls", err, n)
	}

	// Deleted between List and Open: the caller reports it as not found.
	objs := list(t, &source.S3{Client: e.S3, Bucket: bucket})
	e.Delete(t, bucket, keys[0])
	_, err = objs[0].Open(t.Context())
	if !errors.Is(err, vigil.ErrNotFound) || !strings.Contains(err.Error(), objs[0].Name) {
		t.Errorf("open deleted object: %v", err)
	}
}

func TestS3ThrottlingRetried(t *testing.T) {
	t.Parallel()
	e, p := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	want := seed(t, e, bucket, trailKeys("", "", []string{acctA}, []string{"us-east-1"}, []time.Time{day(1)}, 2)...)
	p.ClearRequests()
	p.Throttle("ListObjectsV2", 2)
	p.Throttle("GetObject", 2)
	objs := list(t, &source.S3{Client: e.S3, Bucket: bucket})
	if diff := cmp.Diff(want, paths(objs)); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if got := readGzip(t, objs[0]); got != `{"Records":[]}` {
		t.Errorf("content %q", got)
	}
	slowDowns := 0
	for _, r := range p.Requests() {
		if r.Status == 503 {
			slowDowns++
		}
	}
	if slowDowns != 4 {
		t.Errorf("%d SlowDown answers, want 4", slowDowns)
	}
}

func TestS3BrokenDownload(t *testing.T) {
	t.Parallel()
	e, p := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	key := sourcetest.TrailKey("", "", acctA, "us-east-1", day(1), 0)
	body := bytes.Repeat([]byte("x"), 256<<10)
	e.Put(t, bucket, key, body)
	obj := list(t, &source.S3{Client: e.S3, Bucket: bucket})[0]
	for _, f := range []awsfake.Fault{awsfake.Truncate, awsfake.ConnReset} {
		// Every attempt breaks: the SDK retries failures before the body
		// (a reset that beat the headers), never a body cut short.
		p.BreakDownload(key, f, 100)
		rc, err := obj.Open(t.Context())
		var b []byte
		if err == nil {
			b, err = io.ReadAll(rc)
			rc.Close()
		}
		if err == nil || !strings.Contains(err.Error(), obj.Name) || len(b) >= len(body) {
			t.Errorf("fault %d: read %d of %d bytes, error %v; want an error naming %s", f, len(b), len(body), err, obj.Name)
		}
	}
	p.BreakDownload(key, 0, 0)
	rc, err := obj.Open(t.Context()) // the next download is whole
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, err := io.ReadAll(rc); err != nil || !bytes.Equal(b, body) {
		t.Errorf("read %d bytes, %v", len(b), err)
	}
}

func TestParseS3URL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, bucket, prefix string
		ok                 bool
	}{
		{"s3://my-bucket", "my-bucket", "", true},
		{"s3://my-bucket/", "my-bucket", "", true},
		{"s3://my-bucket/logs/AWSLogs/", "my-bucket", "logs/AWSLogs/", true},
		{"s3://Legacy_Bucket/x", "Legacy_Bucket", "x", true},
		{"s3://ab/x", "", "", false},
		{"s3:///x", "", "", false},
		{"s3://bad*bucket", "", "", false},
		{"https://my-bucket.s3.amazonaws.com/x", "", "", false},
		{"my-bucket/x", "", "", false},
	} {
		b, p, err := source.ParseS3URL(tc.in)
		if (err == nil) != tc.ok || b != tc.bucket || p != tc.prefix {
			t.Errorf("ParseS3URL(%q) = %q, %q, %v", tc.in, b, p, err)
		}
	}
}
