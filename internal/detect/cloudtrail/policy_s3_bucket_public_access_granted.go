package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(bucketPublicAccessGranted) }

var bucketPublicAccessGranted = &detect.Detection{
	ID:        "policy.s3_bucket_public_access_granted",
	Type:      "Policy:S3/BucketPublicAccessGranted",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityHigh,
	Title:     "An S3 bucket was opened to all authenticated AWS users",
	Description: "A successful PutBucketAcl or CreateBucket grants the AuthenticatedUsers group (any AWS account's " +
		"principals) or sets the canned ACL authenticated-read; or a PutBucketPolicy allows Principal \"*\" limited " +
		"only to authenticated principals (a condition requiring an identity key to exist, or to match wildcards " +
		"only, such as aws:PrincipalArn \"arn:aws:iam::*:*\"). When the same change also grants anonymous access, " +
		"only Policy:S3/BucketAnonymousAccessGranted is reported.",
	FalsePositives: "Rare by design: \"authenticated\" means any AWS customer, not the organization. Legacy data-sharing " +
		"buckets created before bucket policies existed.",
	Key:       "bucket",
	Technique: "T1530",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"PutBucketPolicy", "PutBucketAcl", "CreateBucket"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		level, why := bucketExposure(e)
		if level != exposureAuthenticated {
			return nil
		}
		bucket := text(get(params(e), "bucketName"))
		return &detect.Hit{Resource: "bucket/" + bucket, Buckets: []string{bucket}, Info: map[string]string{"reason": why},
			Description: fmt.Sprintf("S3 bucket %s was made accessible to all authenticated AWS users by %s with %s%s: %s.", bucket, caller(e), e.EventName, from(e), why)}
	},
}
