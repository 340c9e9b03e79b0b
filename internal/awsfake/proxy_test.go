package awsfake_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
)

// clients returns SDK clients through p that make attempts tries.
func clients(t *testing.T, p *awsfake.FaultProxy, attempts int) (*s3.Client, *cloudwatchlogs.Client, *sqs.Client) {
	t.Helper()
	o := awsapi.Options{Region: "us-east-1", EndpointURL: p.URL, MaxAttempts: attempts}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = credentials.NewStaticCredentialsProvider("testing", "testing", "")
	return awsapi.S3Client(cfg, o), awsapi.CloudWatchLogsClient(cfg, o), awsapi.SQSClient(cfg, o)
}

// TestThrottleWireFormat checks that the SDK reads the injected errors as
// the services' own: with one attempt, the error surfaces.
func TestThrottleWireFormat(t *testing.T) {
	t.Parallel()
	p := awsfake.NewFaultProxy(t, awsfake.SharedMoto(t))
	s3c, logs, sqsc := clients(t, p, 1)
	for _, tc := range []struct {
		op, code string
		status   int
		call     func() error
	}{
		{"ListBuckets", "SlowDown", 503, func() error { _, err := s3c.ListBuckets(t.Context(), &s3.ListBucketsInput{}); return err }},
		{"DescribeLogGroups", "ThrottlingException", 400, func() error {
			_, err := logs.DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{})
			return err
		}},
		{"ListQueues", "ThrottlingException", 400, func() error { _, err := sqsc.ListQueues(t.Context(), &sqs.ListQueuesInput{}); return err }},
	} {
		p.Throttle(tc.op, 1)
		err := tc.call()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
			t.Errorf("%s: %v, want %s", tc.op, err, tc.code)
		}
		if err := tc.call(); err != nil {
			t.Errorf("%s after the throttle: %v", tc.op, err)
		}
		if rs := p.Requests(); rs[len(rs)-2].Status != tc.status || rs[len(rs)-2].Op != tc.op {
			t.Errorf("%s: recorded %+v", tc.op, rs[len(rs)-2])
		}
	}
}

func TestThrottleRetried(t *testing.T) {
	t.Parallel()
	p := awsfake.NewFaultProxy(t, awsfake.SharedMoto(t))
	_, logs, _ := clients(t, p, 0)
	p.Throttle("DescribeLogGroups", 2)
	if _, err := logs.DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{}); err != nil {
		t.Fatal(err)
	}
	if n := p.Calls("DescribeLogGroups"); n != 3 {
		t.Errorf("%d calls, want 2 throttled and 1 answered", n)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	p := awsfake.NewFaultProxy(t, awsfake.SharedMoto(t))
	s3c, _, _ := clients(t, p, 1)
	p.SetLatency(300 * time.Millisecond)
	start := time.Now()
	if _, err := s3c.ListBuckets(t.Context(), &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("answered in %s", d)
	}
	p.SetLatency(0)
}

func TestClassify(t *testing.T) {
	t.Parallel()
	var got awsfake.Request
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer backend.Close()
	p := awsfake.NewFaultProxy(t, backend.URL)
	for _, tc := range []struct {
		method, path, target, op, bucket, key string
	}{
		{"GET", "/", "", "ListBuckets", "", ""},
		{"GET", "/b?list-type=2&prefix=AWSLogs%2F", "", "ListObjectsV2", "b", ""},
		{"GET", "/b?location", "", "GetBucketLocation", "b", ""},
		{"PUT", "/b", "", "CreateBucket", "b", ""},
		{"PUT", "/b?notification", "", "PutBucketNotificationConfiguration", "b", ""},
		{"GET", "/b?policy", "", "GetBucketPolicy", "b", ""},
		{"GET", "/b?publicAccessBlock", "", "GetPublicAccessBlock", "b", ""},
		{"PUT", "/b?versioning", "", "PutBucketVersioning", "b", ""},
		{"GET", "/b?object-lock", "", "GetObjectLockConfiguration", "b", ""},
		{"GET", "/b?list-type=2", "", "ListObjectsV2", "b", ""},
		{"GET", "/b", "", "ListObjects", "b", ""},
		{"GET", "/v20180820/configuration/publicAccessBlock", "", "GetAccountPublicAccessBlock", "", ""},
		{"GET", "/b/AWSLogs/a%20b.json.gz", "", "GetObject", "b", "AWSLogs/a b.json.gz"},
		{"PUT", "/b/k", "", "PutObject", "b", "k"},
		{"DELETE", "/b/k", "", "DeleteObject", "b", "k"},
		{"POST", "/", "Logs_20140328.GetLogEvents", "GetLogEvents", "", ""},
		{"POST", "/", "AmazonSQS.ReceiveMessage", "ReceiveMessage", "", ""},
		{"POST", "/moto-api/reset", "", "MotoAPI", "", ""},
	} {
		p.ClearRequests()
		req, _ := http.NewRequest(tc.method, p.URL+tc.path, strings.NewReader(""))
		if tc.target != "" {
			req.Header.Set("X-Amz-Target", tc.target)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got = p.Requests()[0]
		if got.Op != tc.op || got.Bucket != tc.bucket || got.Key != tc.key {
			t.Errorf("%s %s: %+v", tc.method, tc.path, got)
		}
	}
}
