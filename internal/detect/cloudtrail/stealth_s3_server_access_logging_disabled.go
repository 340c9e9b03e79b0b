package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(serverAccessLoggingDisabled) }

var serverAccessLoggingDisabled = &detect.Detection{
	ID:        "stealth.s3_server_access_logging_disabled",
	Type:      "Stealth:S3/ServerAccessLoggingDisabled",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "S3 server access logging was disabled for a bucket",
	Description: "A successful PutBucketLogging whose BucketLoggingStatus has no LoggingEnabled element: the call " +
		"that turns a bucket's server access logging off.",
	FalsePositives: "Retiring a bucket, or moving to CloudTrail data events for the bucket instead.",
	Key:            "bucket",
	Technique:      "T1562.008",
	Source:         detect.SourceCloudTrail,
	Events:         []string{"PutBucketLogging"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "s3.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		status := get(p, "BucketLoggingStatus")
		if status == nil || get(status, "LoggingEnabled") != nil {
			return nil
		}
		bucket := text(get(p, "bucketName"))
		return &detect.Hit{Resource: "bucket/" + bucket, Buckets: []string{bucket},
			Description: fmt.Sprintf("Server access logging was disabled for S3 bucket %s by %s%s.", bucket, caller(e), from(e))}
	},
}
