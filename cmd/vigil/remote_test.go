package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/source/sourcetest"
)

// TestIngestToS3Lake writes the lake's tables to S3 (moto), as a team
// does for Athena, and checks the layout and the exactly-once record.
func TestIngestToS3Lake(t *testing.T) {
	endpoint := awsfake.SharedMoto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", "us-east-1")
	env := sourcetest.NewEnv(t, endpoint)
	bucket := sourcetest.Name(t)
	env.CreateBucket(t, bucket)

	src := t.TempDir()
	rec := `{"Records":[{"eventVersion":"1.08","eventTime":"2020-10-23T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","eventID":"e1","recipientAccountId":"111122223333"}]}`
	p := filepath.Join(src, "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/111122223333_CloudTrail_us-east-1_20201023T1000Z_a.json")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte(rec), 0o644)

	args := []string{"ingest", "--lake", "s3://" + bucket + "/vigil", "--endpoint-url", endpoint, src}
	if code, out, stderr := runVigil(t, args...); code != 0 || !strings.Contains(out, "ingested 1 files, 1 events") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	if code, out, _ := runVigil(t, args...); code != 0 || !strings.Contains(out, "ingested 0 files") {
		t.Errorf("second run: exit %d: %s", code, out)
	}
	list, err := env.S3.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &[]string{"vigil/"}[0]})
	if err != nil {
		t.Fatal(err)
	}
	var tables, meta []string
	for _, o := range list.Contents {
		k := *o.Key
		switch {
		case strings.HasPrefix(k, "vigil/cloudtrail/account=111122223333/region=us-east-1/date=2020-10-23/") && strings.HasSuffix(k, ".parquet"):
			tables = append(tables, k)
		case strings.HasPrefix(k, "vigil/_vigil/sources/"):
			meta = append(meta, k)
		case k == "vigil/_vigil/watermarks.json":
		default:
			t.Errorf("unexpected object %s (staging, journal or lock left behind?)", k)
		}
	}
	if len(tables) != 1 || len(meta) != 1 {
		t.Errorf("table files %v, sources %v", tables, meta)
	}
}

// TestIngestFromS3 ingests an organization's central bucket from S3
// (moto): filters, then an incremental re-run that fetches only new
// objects.
func TestIngestFromS3(t *testing.T) {
	endpoint := awsfake.SharedMoto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", "us-east-1")
	env := sourcetest.NewEnv(t, endpoint)
	bucket := sourcetest.Name(t)
	env.CreateBucket(t, bucket)
	day := time.Date(2020, 10, 23, 0, 0, 0, 0, time.UTC)
	put := func(account, region string, d time.Time, n int) {
		key := sourcetest.TrailKey("central/", "o-abcdefghij", account, region, d, n)
		env.Put(t, bucket, key, sourcetest.TrailFile(t, sourcetest.Record(key, account, region, d.Add(time.Hour))))
	}
	for _, a := range []string{"111122223333", "444455556666"} {
		for _, r := range []string{"us-east-1", "eu-west-1"} {
			put(a, r, day, 1)
			put(a, r, day.AddDate(0, 0, 1), 2)
		}
	}
	lk := t.TempDir()
	base := []string{"ingest", "--lake", lk, "--endpoint-url", endpoint}
	code, out, stderr := runVigil(t, append(base, "--accounts", "111122223333", "--regions", "eu-west-1", "--since", "2020-10-24", "s3://"+bucket+"/central")...)
	if code != 0 || !strings.Contains(out, "ingested 1 files, 1 events") {
		t.Fatalf("filtered: exit %d: %s %s", code, out, stderr)
	}
	code, out, _ = runVigil(t, append(base, "s3://"+bucket+"/central")...)
	if code != 0 || !strings.Contains(out, "ingested 7 files, 7 events") {
		t.Fatalf("whole bucket: exit %d: %s", code, out)
	}
	put("111122223333", "us-east-1", day.AddDate(0, 0, 2), 3)
	code, out, _ = runVigil(t, append(base, "s3://"+bucket+"/central")...)
	if code != 0 || !strings.Contains(out, "ingested 1 files, 1 events") {
		t.Errorf("incremental: exit %d: %s", code, out)
	}
	code, got, _ := runVigil(t, "query", "--lake", lk, "--format", "csv", "select count(distinct eventid) n, count(distinct account) a from auditing.cloudtrail")
	if code != 0 || got != "n,a\n9,2\n" {
		t.Errorf("lake: %q", got)
	}
}

// TestIngestFromCloudWatchLogs reads a CloudTrail log group and a flow-log
// group (moto), incrementally.
func TestIngestFromCloudWatchLogs(t *testing.T) {
	endpoint := awsfake.SharedMoto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", "us-east-1")
	env := sourcetest.NewEnv(t, endpoint)
	group, flows := "/"+sourcetest.Name(t)+"/cloudtrail", "/"+sourcetest.Name(t)+"/flows"
	stream := "111122223333_CloudTrail_us-east-1"
	env.CreateLogStream(t, group, stream)
	now := time.Now().UTC()
	at := func(ago time.Duration) time.Time { return now.Add(-ago).Truncate(time.Second) }
	env.PutLogEvents(t, group, stream,
		sourcetest.Event{At: at(time.Hour), Message: sourcetest.Record("cw-1", "111122223333", "us-east-1", at(time.Hour))},
		sourcetest.Event{At: at(50 * time.Minute), Message: sourcetest.Record("cw-2", "111122223333", "us-east-1", at(50*time.Minute))})
	env.CreateLogStream(t, flows, "eni-1-all")
	start := at(time.Hour).Unix()
	env.PutLogEvents(t, flows, "eni-1-all", sourcetest.Event{At: at(time.Hour),
		Message: fmt.Sprintf("2 111122223333 eni-1 10.0.0.1 203.0.113.9 443 49152 6 10 840 %d %d ACCEPT OK", start, start+60)})

	lk := t.TempDir()
	base := []string{"ingest", "--lake", lk, "--endpoint-url", endpoint, "--no-detect"}
	code, out, stderr := runVigil(t, append(base, "cwlogs://"+group, "cwlogs://"+flows)...)
	if code != 0 || !strings.Contains(out, "ingested 2 files, 2 events, 1 flow records") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	if code, out, _ = runVigil(t, append(base, "cwlogs://"+group)...); code != 0 || !strings.Contains(out, "ingested 0 files") {
		t.Errorf("re-run: exit %d: %s", code, out)
	}
	env.PutLogEvents(t, group, stream, sourcetest.Event{At: at(30 * time.Minute), Message: sourcetest.Record("cw-3", "111122223333", "us-east-1", at(30*time.Minute))})
	if code, out, _ = runVigil(t, append(base, "cwlogs://"+group)...); code != 0 || !strings.Contains(out, "1 events") {
		t.Errorf("new event: exit %d: %s", code, out)
	}
	if _, got, _ := runVigil(t, "query", "--lake", lk, "--format", "csv", "select count(distinct eventid) n from auditing.cloudtrail"); got != "n\n3\n" {
		t.Errorf("events in the lake: %q", got)
	}
}

// TestIngestWatchSQS ingests the objects S3 event notifications announce.
func TestIngestWatchSQS(t *testing.T) {
	endpoint := awsfake.SharedMoto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", "us-east-1")
	env := sourcetest.NewEnv(t, endpoint)
	bucket, queue := sourcetest.Name(t), sourcetest.Name(t)
	env.CreateBucket(t, bucket)
	day := time.Date(2020, 10, 23, 0, 0, 0, 0, time.UTC)
	key := sourcetest.TrailKey("", "", "111122223333", "us-east-1", day, 1)
	body := sourcetest.TrailFile(t, sourcetest.Record("sqs-1", "111122223333", "us-east-1", day.Add(time.Hour)))
	env.Put(t, bucket, key, body)
	q, err := env.SQS.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: &queue})
	if err != nil {
		t.Fatal(err)
	}
	msg := sourcetest.S3Notification(bucket, map[string]int64{key: int64(len(body))}, key)
	if _, err := env.SQS.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: &msg}); err != nil {
		t.Fatal(err)
	}
	lk := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"ingest", "--lake", lk, "--endpoint-url", endpoint, "--no-detect", "--watch", "--sqs-queue-url", *q.QueueUrl}, &out, &errOut)
	}()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(out.String(), "ingested 1 files, 1 events"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no ingest from the queue; output:\n%s\n%s", out.String(), errOut.String())
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	left, err := env.SQS.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil || left.Attributes["ApproximateNumberOfMessages"] != "0" {
		t.Errorf("messages left in the queue after commit: %v %v", left.Attributes, err)
	}
}
