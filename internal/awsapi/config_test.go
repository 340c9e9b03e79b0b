package awsapi_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// isolate points the SDK at empty shared config files.
func isolate(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	for _, k := range []string{"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return dir
}

func TestConfig(t *testing.T) {
	dir := isolate(t)
	os.WriteFile(filepath.Join(dir, "config"), []byte("[profile audit]\nregion = eu-north-1\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "credentials"), []byte("[audit]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n"), 0o600)

	cfg, err := awsapi.Config(t.Context(), awsapi.Options{Profile: "audit"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-north-1" || cfg.BaseEndpoint != nil {
		t.Errorf("region %q, endpoint %v", cfg.Region, cfg.BaseEndpoint)
	}
	creds, err := cfg.Credentials.Retrieve(t.Context())
	if err != nil || creds.AccessKeyID != "AKIDEXAMPLE" {
		t.Errorf("credentials %q, %v", creds.AccessKeyID, err)
	}
	if n := cfg.Retryer().MaxAttempts(); n != awsapi.DefaultMaxAttempts {
		t.Errorf("max attempts %d", n)
	}
	if o := awsapi.S3Client(cfg, awsapi.Options{}).Options(); o.UsePathStyle {
		t.Error("path-style S3 without an endpoint URL")
	}

	o := awsapi.Options{Profile: "audit", Region: "ap-south-1", EndpointURL: "http://127.0.0.1:9", MaxAttempts: 4}
	cfg, err = awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "ap-south-1" || aws.ToString(cfg.BaseEndpoint) != o.EndpointURL || cfg.Retryer().MaxAttempts() != 4 {
		t.Errorf("region %q, endpoint %v, attempts %d", cfg.Region, aws.ToString(cfg.BaseEndpoint), cfg.Retryer().MaxAttempts())
	}
	if so := awsapi.S3Client(cfg, o).Options(); !so.UsePathStyle {
		t.Error("virtual-host S3 with an endpoint URL")
	}

	for _, bad := range []awsapi.Options{
		{Profile: "missing"},
		{EndpointURL: "127.0.0.1:5000"},
		{EndpointURL: "ftp://x"},
		{MaxAttempts: -1},
	} {
		if _, err := awsapi.Config(t.Context(), bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

func TestBucketRegion(t *testing.T) {
	isolate(t)
	o := awsapi.Options{Region: "us-east-1", EndpointURL: awsfake.SharedMoto(t)}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = credentials.NewStaticCredentialsProvider("testing", "testing", "")
	c := awsapi.S3Client(cfg, o)
	_, err = c.CreateBucket(t.Context(), &s3.CreateBucketInput{
		Bucket:                    aws.String("vigil-bucketregion-eu"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := awsapi.BucketRegion(t.Context(), c, "vigil-bucketregion-eu"); r != "eu-west-1" || err != nil {
		t.Errorf("BucketRegion = %q, %v", r, err)
	}
	if r, err := awsapi.BucketRegion(t.Context(), c, "vigil-missing"); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("missing bucket: %q, %v", r, err)
	}
}
