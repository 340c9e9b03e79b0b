package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

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
	env.CreateBucket(t, "audit-lake")

	src := t.TempDir()
	rec := `{"Records":[{"eventVersion":"1.08","eventTime":"2020-10-23T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","eventID":"e1","recipientAccountId":"111122223333"}]}`
	p := filepath.Join(src, "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/111122223333_CloudTrail_us-east-1_20201023T1000Z_a.json")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte(rec), 0o644)

	args := []string{"ingest", "--lake", "s3://audit-lake/vigil", "--endpoint-url", endpoint, src}
	if code, out, stderr := runVigil(t, args...); code != 0 || !strings.Contains(out, "ingested 1 files, 1 events") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	if code, out, _ := runVigil(t, args...); code != 0 || !strings.Contains(out, "ingested 0 files") {
		t.Errorf("second run: exit %d: %s", code, out)
	}
	list, err := env.S3.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: strPtr("audit-lake"), Prefix: strPtr("vigil/")})
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
		default:
			t.Errorf("unexpected object %s (staging, journal or lock left behind?)", k)
		}
	}
	if len(tables) != 1 || len(meta) != 1 {
		t.Errorf("table files %v, sources %v", tables, meta)
	}
}

func strPtr(s string) *string { return &s }
