package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(bucketBlockPublicAccessDisabled) }

var bucketBlockPublicAccessDisabled = &detect.Detection{
	ID:        "policy.s3_bucket_block_public_access_disabled",
	Type:      "Policy:S3/BucketBlockPublicAccessDisabled",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "S3 Block Public Access was disabled for a bucket",
	Description: "A successful DeleteBucketPublicAccessBlock, or PutBucketPublicAccessBlock leaving any of the four " +
		"settings off: the bucket can then be made public unless the account-level block still applies.",
	FalsePositives: "Buckets that serve public content by design (static websites, public data sets); suppress by " +
		"account or principal of the team that owns them.",
	Key:       "bucket",
	Technique: "T1562",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "s3.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		bucket := text(get(p, "bucketName"))
		what := "removed"
		if e.EventName == "PutBucketPublicAccessBlock" {
			off := blockPublicAccessOff(p)
			if len(off) == 0 {
				return nil
			}
			what = "weakened (" + joinSettings(off) + " off)"
		}
		return &detect.Hit{Resource: "bucket/" + bucket, Buckets: []string{bucket},
			Description: fmt.Sprintf("S3 Block Public Access for bucket %s was %s by %s%s.", bucket, what, caller(e), from(e))}
	},
}
