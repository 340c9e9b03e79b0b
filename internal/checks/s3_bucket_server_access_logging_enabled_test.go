package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestS3BucketServerAccessLoggingEnabled(t *testing.T) {
	logging := func(v string) map[string]string { return map[string]string{"BucketLoggingConfiguration": v} }
	runCases(t, "s3_bucket_server_access_logging_enabled", []checkCase{
		{"logging passes", []*inventory.Item{s3Bucket("b", "us-east-1", logging(`{"destinationBucketName":"logs","logFilePrefix":"b/"}`))},
			[]want{{compliance.Pass, "b", "logs its requests to bucket logs"}}},
		{"API shape passes", []*inventory.Item{s3Bucket("b", "us-east-1", logging(`{"LoggingEnabled":{"TargetBucket":"logs2","TargetPrefix":""}}`))},
			[]want{{compliance.Pass, "b", "bucket logs2"}}},
		{"off fails", []*inventory.Item{s3Bucket("b", "us-east-1", logging(`{"destinationBucketName":null,"logFilePrefix":null}`))},
			[]want{{compliance.Fail, "b", "logging disabled"}}},
		{"Config's delivered item fails", []*inventory.Item{s3Delivered(s3ConfigSample)},
			[]want{{compliance.Fail, "delivered-bucket", "disabled"}}},
		{"two buckets", []*inventory.Item{
			s3Bucket("z", "eu-west-1", logging(`{"destinationBucketName":"logs"}`)),
			s3Bucket("a", "us-east-1", logging(`{}`)),
		}, []want{{compliance.Pass, "z", ""}, {compliance.Fail, "a", ""}}},
		{"denied is an error", []*inventory.Item{s3Bucket("b", "us-east-1", nil, "s3:GetBucketLogging")},
			[]want{{compliance.Error, "b", "missing permission s3:GetBucketLogging"}}},
		{"buckets not listed is an error", []*inventory.Item{gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "", "s3:ListAllMyBuckets"}}},
		{"no buckets", nil, []want{{compliance.NotApplicable, "", ""}}},
	})
}
