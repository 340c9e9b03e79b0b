package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(bucketAnonymousAccessGranted) }

var bucketAnonymousAccessGranted = &detect.Detection{
	ID:        "policy.s3_bucket_anonymous_access_granted",
	Type:      "Policy:S3/BucketAnonymousAccessGranted",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityHigh,
	Title:     "An S3 bucket was opened to anonymous access",
	Description: "A successful PutBucketPolicy, PutBucketAcl or CreateBucket makes the bucket accessible to anyone on " +
		"the internet. The policy or ACL in the request is evaluated, not just the event name: an Allow statement " +
		"with Principal \"*\" (or {\"AWS\": \"*\"}, or NotPrincipal) whose conditions do not restrict the caller's " +
		"identity or network (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceIp, " +
		"aws:SourceVpc(e), aws:SourceAccount, aws:SourceArn and the like, not negated, not …IfExists); an ACL grant " +
		"to the AllUsers group; the canned ACLs public-read and public-read-write. Deny statements are not " +
		"weighed, so a policy denying what it allows still fires.",
	FalsePositives: "Static websites and public data sets. When Block Public Access (IgnorePublicAcls) is on, a public " +
		"ACL is accepted but has no effect; the finding still shows the intent.",
	Key:       "bucket",
	Technique: "T1530",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"PutBucketPolicy", "PutBucketAcl", "CreateBucket"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		level, why := bucketExposure(e)
		if level != exposureAnonymous {
			return nil
		}
		bucket := text(get(params(e), "bucketName"))
		return &detect.Hit{Resource: "bucket/" + bucket, Buckets: []string{bucket}, Info: map[string]string{"reason": why},
			Description: fmt.Sprintf("S3 bucket %s was made accessible to anyone by %s with %s%s: %s.", bucket, caller(e), e.EventName, from(e), why)}
	},
}
