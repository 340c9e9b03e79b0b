// Package sourcetest seeds a local AWS (moto, see awsfake) with what
// Vigil's sources read: buckets in AWS's delivery layouts, log groups with
// CloudTrail events, queues with S3 notifications as S3 writes them.
package sourcetest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/vigil-sec/vigil/internal/awsapi"
)

// Region is the region of the clients Env builds.
const Region = "us-east-1"

// Env holds clients for one endpoint.
type Env struct {
	Options awsapi.Options
	Config  aws.Config
	S3      *s3.Client
	Logs    *cloudwatchlogs.Client
	SQS     *sqs.Client
}

// NewEnv returns clients for endpoint (moto or a FaultProxy in front of
// it), built by awsapi with fake static credentials.
func NewEnv(t testing.TB, endpoint string) *Env {
	t.Helper()
	o := awsapi.Options{Region: Region, EndpointURL: endpoint}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	return &Env{
		Options: o,
		Config:  cfg,
		S3:      awsapi.S3Client(cfg, o),
		Logs:    awsapi.CloudWatchLogsClient(cfg, o),
		SQS:     awsapi.SQSClient(cfg, o),
	}
}

var (
	nameSeq   atomic.Int64
	nameClean = regexp.MustCompile(`[^a-z0-9]+`)
)

// Name returns a name for a bucket, queue or log group that no other call
// in the test binary returns: tests sharing a moto (and -count=N runs) do
// not see each other's data. It is derived from the test's name and valid
// for all three (at most 63 lower-case letters, digits and '-').
func Name(t testing.TB) string {
	seq := "-" + strconv.FormatInt(nameSeq.Add(1), 10)
	base := strings.Trim(nameClean.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	base = "vigil-" + base
	if len(base) > 63-len(seq) {
		base = strings.TrimRight(base[:63-len(seq)], "-")
	}
	return base + seq
}

// CreateBucket creates a bucket.
func (e *Env) CreateBucket(t testing.TB, bucket string) {
	t.Helper()
	if _, err := e.S3.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket %s: %v", bucket, err)
	}
}

// Put writes an object.
func (e *Env) Put(t testing.TB, bucket, key string, body []byte) {
	t.Helper()
	_, err := e.S3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

// Delete deletes an object.
func (e *Env) Delete(t testing.TB, bucket, key string) {
	t.Helper()
	if _, err := e.S3.DeleteObject(t.Context(), &s3.DeleteObjectInput{Bucket: &bucket, Key: &key}); err != nil {
		t.Fatalf("delete s3://%s/%s: %v", bucket, key, err)
	}
}

// TrailFile returns a gzipped CloudTrail log file holding records (JSON
// objects), as CloudTrail delivers it to S3.
func TrailFile(t testing.TB, records ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprintf(zw, `{"Records":[%s]}`, strings.Join(records, ","))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TrailKey returns the key of CloudTrail's n-th log file of day for an
// account and region, under prefix, in an organization trail's layout if
// org is set. Files are 5 minutes apart, as CloudTrail delivers them.
func TrailKey(prefix, org, account, region string, day time.Time, n int) string {
	if org != "" {
		org += "/"
	}
	ts := day.UTC().Truncate(24 * time.Hour).Add(time.Duration(n) * 5 * time.Minute)
	return fmt.Sprintf("%sAWSLogs/%s%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%016X.json.gz",
		prefix, org, account, region, ts.Format("2006/01/02"), account, region, ts.Format("20060102T1504Z"), n)
}

// FlowLogKey returns the key of VPC Flow Logs' n-th file of day, in the
// plain layout, or the Hive-compatible one if hive is set.
func FlowLogKey(prefix, account, region string, day time.Time, n int, hive bool) string {
	ts := day.UTC().Truncate(24 * time.Hour).Add(time.Duration(n) * 5 * time.Minute)
	file := fmt.Sprintf("%s_vpcflowlogs_%s_fl-0123456789abcdef0_%s_%08x.log.gz", account, region, ts.Format("20060102T1504Z"), n)
	if hive {
		return fmt.Sprintf("%sAWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/aws-region=%s/year=%s/month=%s/day=%s/%s",
			prefix, account, region, ts.Format("2006"), ts.Format("01"), ts.Format("02"), file)
	}
	return fmt.Sprintf("%sAWSLogs/%s/vpcflowlogs/%s/%s/%s", prefix, account, region, ts.Format("2006/01/02"), file)
}

// Record returns a minimal CloudTrail record (one line of JSON).
func Record(id, account, region string, at time.Time) string {
	b, _ := json.Marshal(map[string]any{
		"eventVersion":       "1.09",
		"eventID":            id,
		"eventTime":          at.UTC().Format(time.RFC3339),
		"eventSource":        "s3.amazonaws.com",
		"eventName":          "ListBuckets",
		"awsRegion":          region,
		"recipientAccountId": account,
		"userIdentity":       map[string]any{"type": "IAMUser", "accountId": account, "arn": "arn:aws:iam::" + account + ":user/alice"},
		"sourceIPAddress":    "192.0.2.1",
		"readOnly":           true,
	})
	return string(b)
}

// S3Notification returns the body S3 sends to SQS for objects created in
// bucket: one record per key, keys URL-encoded as S3 encodes them ('+'
// for spaces, '/' kept).
func S3Notification(bucket string, sizes map[string]int64, keys ...string) string {
	type rec = map[string]any
	var recs []rec
	for _, k := range keys {
		recs = append(recs, rec{
			"eventVersion": "2.1",
			"eventSource":  "aws:s3",
			"awsRegion":    Region,
			"eventTime":    "2024-01-02T03:04:05.000Z",
			"eventName":    "ObjectCreated:Put",
			"userIdentity": rec{"principalId": "AWS:AIDAEXAMPLE"},
			"s3": rec{
				"s3SchemaVersion": "1.0",
				"configurationId": "vigil",
				"bucket":          rec{"name": bucket, "ownerIdentity": rec{"principalId": "EXAMPLE"}, "arn": "arn:aws:s3:::" + bucket},
				"object":          rec{"key": EncodeKey(k), "size": sizes[k], "eTag": "0123456789abcdef0123456789abcdef", "sequencer": "0A1B2C3D4E5F678901"},
			},
		})
	}
	b, _ := json.Marshal(rec{"Records": recs})
	return string(b)
}

// EncodeKey encodes a key as S3 event notifications do.
func EncodeKey(k string) string {
	return strings.ReplaceAll(url.QueryEscape(k), "%2F", "/")
}

// TestEvent returns the message S3 sends when notifications are set up.
func TestEvent(bucket string) string {
	return fmt.Sprintf(`{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-01-02T03:04:05.000Z","Bucket":%q,"RequestId":"EXAMPLE","HostId":"EXAMPLE"}`, bucket)
}

// SNSEnvelope wraps message as SNS delivers it to SQS without raw
// message delivery.
func SNSEnvelope(message string) string {
	b, _ := json.Marshal(map[string]string{
		"Type":             "Notification",
		"MessageId":        "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
		"TopicArn":         "arn:aws:sns:us-east-1:123456789012:vigil",
		"Subject":          "Amazon S3 Notification",
		"Message":          message,
		"Timestamp":        "2024-01-02T03:04:05.000Z",
		"SignatureVersion": "1",
		"Signature":        "EXAMPLE",
		"SigningCertURL":   "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem",
		"UnsubscribeURL":   "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
	})
	return string(b)
}
