package awsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// DefaultMaxAttempts is the attempts per API call (first try included) when
// Options.MaxAttempts is zero. It is higher than the SDK's 3 because an
// ingest run makes many calls and one throttled call should not end it.
const DefaultMaxAttempts = 10

// Options select the credentials, region and endpoint. The zero value uses
// the SDK's defaults: AWS_PROFILE / AWS_REGION / AWS_ENDPOINT_URL and the
// shared config files.
type Options struct {
	// Profile is a shared config profile (SSO profiles included).
	Profile string
	// Region overrides the profile's or environment's region.
	Region string
	// EndpointURL, if set, is the base endpoint of every service
	// (http://127.0.0.1:5000 for moto, an S3-compatible store, a VPC
	// endpoint). S3 then uses path-style addressing.
	EndpointURL string
	// MaxAttempts bounds the attempts per call (default DefaultMaxAttempts).
	MaxAttempts int
}

// Config loads the AWS configuration for o. Credentials are resolved
// lazily, on the first call that needs them, by the SDK's standard chain.
// Each client built from the returned config gets its own adaptive
// retryer, so throttling of one service does not slow down the others.
func Config(ctx context.Context, o Options) (aws.Config, error) {
	if o.EndpointURL != "" {
		u, err := url.Parse(o.EndpointURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return aws.Config{}, fmt.Errorf("endpoint URL %q: want http(s)://host[:port]", o.EndpointURL)
		}
	}
	if o.MaxAttempts < 0 {
		return aws.Config{}, fmt.Errorf("max attempts %d: want 0 (default) or more", o.MaxAttempts)
	}
	attempts := o.MaxAttempts
	if attempts == 0 {
		attempts = DefaultMaxAttempts
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer { return newRetryer(attempts) }),
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(o.EndpointURL))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// newRetryer returns the adaptive retryer: standard retries (throttling
// codes, 5xx, connection errors) with exponential backoff and jitter, plus
// a client-side send rate that drops when the service throttles and
// recovers when it stops.
//
// The standard retry quota (a 500-token bucket that fails calls once
// exhausted) is disabled: during a long crawl sustained throttling would
// otherwise turn into "retry quota exceeded" failures, while the adaptive
// rate limiter already keeps the pressure on the service down.
func newRetryer(attempts int) aws.Retryer {
	return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
		ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
			so.MaxAttempts = attempts
			so.RateLimiter = ratelimit.None
		})
	})
}

// S3Client returns an S3 client for cfg. With an endpoint URL it uses
// path-style addressing (http://endpoint/bucket/key), which S3-compatible
// stores and local fakes need.
func S3Client(cfg aws.Config, o Options) *s3.Client {
	return s3.NewFromConfig(cfg, func(so *s3.Options) {
		// Objects uploaded without a checksum (most log deliveries) would
		// otherwise log a line per download on the SDK's default logger.
		so.DisableLogOutputChecksumValidationSkipped = true
		if o.EndpointURL != "" {
			so.UsePathStyle = true
		}
	})
}

// CloudWatchLogsClient returns a CloudWatch Logs client for cfg.
func CloudWatchLogsClient(cfg aws.Config, _ Options) *cloudwatchlogs.Client {
	return cloudwatchlogs.NewFromConfig(cfg)
}

// SQSClient returns an SQS client for cfg.
func SQSClient(cfg aws.Config, _ Options) *sqs.Client {
	return sqs.NewFromConfig(cfg)
}

// BucketRegion returns the region of bucket, so that a client for the
// right region can be built (S3 answers 301 PermanentRedirect to a client
// signing for another region). It uses HeadBucket, which S3 answers with
// the x-amz-bucket-region header even when the region is wrong.
func BucketRegion(ctx context.Context, c *s3.Client, bucket string) (string, error) {
	out, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
	if err == nil {
		if r := aws.ToString(out.BucketRegion); r != "" {
			return r, nil
		}
		return c.Options().Region, nil
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" {
			return r, nil
		}
		if re.Response.StatusCode == http.StatusNotFound {
			return "", fmt.Errorf("bucket %s: %w: %w", bucket, vigil.ErrNotFound, err)
		}
	}
	return "", fmt.Errorf("find region of bucket %s: %w", bucket, err)
}
