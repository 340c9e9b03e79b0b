package source_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/source"
	"github.com/vigil-sec/vigil/internal/source/sourcetest"
)

// names returns the objects' names, sorted.
func names(objs []source.Object) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, o.Name)
	}
	slices.Sort(out)
	return out
}

// poll polls once and returns the objects fn was given (nil if not called).
func poll(t *testing.T, q *source.SQSNotifications, wait time.Duration, fnErr error) ([]source.Object, error) {
	t.Helper()
	var got []source.Object
	err := q.Poll(t.Context(), wait, func(objs []source.Object) error {
		if got != nil {
			t.Fatal("fn called twice")
		}
		got = objs
		return fnErr
	})
	return got, err
}

func TestSQSNotifications(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	queue, _ := e.CreateQueue(t, bucket)
	k1 := sourcetest.TrailKey("", "", acctA, "us-east-1", day(1), 0)
	k2 := "exports/a file+name=1.json.gz" // encoded "a+file%2Bname%3D1.json.gz"
	k3 := sourcetest.TrailKey("", org, acctB, "eu-west-1", day(1), 0)
	k4 := "eventbridge/x:y.json.gz"
	for _, k := range []string{k1, k2, k3, k4} {
		e.Put(t, bucket, k, sourcetest.TrailFile(t))
	}
	size := int64(len(sourcetest.TrailFile(t)))
	sizes := map[string]int64{k1: size, k2: size, k3: size}
	e.Send(t, queue, sourcetest.TestEvent(bucket))
	e.Send(t, queue, sourcetest.S3Notification(bucket, sizes, k1, k2))
	e.Send(t, queue, sourcetest.SNSEnvelope(sourcetest.S3Notification(bucket, sizes, k3)))
	e.Send(t, queue, sourcetest.S3Notification(bucket, sizes, k1)) // a duplicate
	e.Send(t, queue, `{"version":"0","detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"`+bucket+`"},"object":{"key":"`+k4+`","size":`+"42"+`}}}`)
	e.Send(t, queue, `{"version":"0","detail-type":"Object Deleted","source":"aws.s3","detail":{"bucket":{"name":"`+bucket+`"},"object":{"key":"gone"}}}`)

	q := &source.SQSNotifications{Client: e.SQS, QueueURL: queue, S3: e.S3}
	var got []source.Object
	for len(got) < 4 { // SQS may hand out fewer than all messages per call
		objs, err := poll(t, q, time.Second, nil)
		if err != nil {
			t.Fatal(err)
		}
		if objs == nil {
			break
		}
		got = append(got, objs...)
	}
	want := []string{"s3://" + bucket + "/" + k1, "s3://" + bucket + "/" + k4, "s3://" + bucket + "/" + k2, "s3://" + bucket + "/" + k3}
	slices.Sort(want)
	if diff := cmp.Diff(want, names(got)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	for _, o := range got {
		if o.Path == k4 && o.Size != 42 || o.Path != k4 && o.Size != size {
			t.Errorf("%s: size %d", o.Name, o.Size)
		}
		if s := readGzip(t, o); s != `{"Records":[]}` {
			t.Errorf("%s: %q", o.Name, s)
		}
	}
	if v, f := e.QueueDepth(t, queue); v != 0 || f != 0 {
		t.Errorf("%d messages visible and %d in flight after success; want all deleted", v, f)
	}
}

func TestSQSRedeliveredAfterFailure(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)
	queue, _ := e.CreateQueue(t, bucket)
	e.Send(t, queue, sourcetest.S3Notification(bucket, nil, "a.json.gz"))
	q := &source.SQSNotifications{Client: e.SQS, QueueURL: queue, S3: e.S3, VisibilityTimeout: time.Second}

	boom := errors.New("boom")
	objs, err := poll(t, q, time.Second, boom)
	if !errors.Is(err, boom) || len(objs) != 1 {
		t.Fatalf("failing fn: %d objects, %v", len(objs), err)
	}
	if v, f := e.QueueDepth(t, queue); v+f != 1 {
		t.Errorf("%d visible, %d in flight after a failure: want the message kept", v, f)
	}
	// Hidden while the visibility timeout runs, then delivered again.
	if objs, err := poll(t, q, 0, nil); objs != nil || err != nil {
		t.Errorf("message delivered during its visibility timeout: %v, %v", names(objs), err)
	}
	objs, err = poll(t, q, 5*time.Second, nil)
	if err != nil || len(objs) != 1 || objs[0].Name != "s3://"+bucket+"/a.json.gz" {
		t.Fatalf("redelivery: %v, %v", names(objs), err)
	}
	if v, f := e.QueueDepth(t, queue); v+f != 0 {
		t.Errorf("%d visible, %d in flight after success", v, f)
	}
}

func TestSQSMalformedMessagesKept(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)
	queue, _ := e.CreateQueue(t, bucket)
	e.Send(t, queue, "not json")
	e.Send(t, queue, `{"Records":[{"eventSource":"aws:sqs"}]}`)
	q := &source.SQSNotifications{Client: e.SQS, QueueURL: queue, S3: e.S3, VisibilityTimeout: time.Minute}
	for range 2 {
		if objs, err := poll(t, q, time.Second, nil); objs != nil || err != nil {
			t.Errorf("malformed messages: %v, %v", names(objs), err)
		}
	}
	if v, f := e.QueueDepth(t, queue); v+f != 2 {
		t.Errorf("%d visible, %d in flight: want both malformed messages left for the redrive policy", v, f)
	}
	// An empty queue: Poll returns when wait has passed, without fn.
	empty, _ := e.CreateQueue(t, bucket+"-empty")
	start := time.Now()
	if objs, err := poll(t, &source.SQSNotifications{Client: e.SQS, QueueURL: empty, S3: e.S3}, time.Second, nil); objs != nil || err != nil {
		t.Errorf("empty queue: %v, %v", names(objs), err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("empty queue: Poll returned after %s, want a long poll of 1s", d)
	}
}

// TestSQSFromBucketNotifications lets moto send the notifications.
func TestSQSFromBucketNotifications(t *testing.T) {
	t.Parallel()
	e, _ := newEnv(t)
	bucket := resourceName(t)
	e.CreateBucket(t, bucket)
	queue, arn := e.CreateQueue(t, bucket)
	e.NotifyQueue(t, bucket, arn)
	keys := []string{sourcetest.TrailKey("", "", acctA, "us-east-1", day(1), 0), "with space/and+plus.json.gz"}
	for _, k := range keys {
		e.Put(t, bucket, k, sourcetest.TrailFile(t))
	}
	q := &source.SQSNotifications{Client: e.SQS, QueueURL: queue, S3: e.S3}
	var got []source.Object
	for range 5 {
		objs, err := poll(t, q, time.Second, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, objs...)
		if len(got) == len(keys) {
			break
		}
	}
	want := []string{"s3://" + bucket + "/" + keys[0], "s3://" + bucket + "/" + keys[1]}
	slices.Sort(want)
	if diff := cmp.Diff(want, names(got)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	for _, o := range got {
		if s := readGzip(t, o); s != `{"Records":[]}` {
			t.Errorf("%s: %q", o.Name, s)
		}
	}
	if v, f := e.QueueDepth(t, queue); v+f != 0 {
		t.Errorf("%d visible, %d in flight: want the test event and notifications deleted", v, f)
	}
}
