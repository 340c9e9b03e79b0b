package checks

import (
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_bucket_secure_transport_policy",
		Title: "S3 bucket policy denies requests over insecure transport",
		Description: "A bucket policy statement that denies every S3 action to everyone when aws:SecureTransport is false " +
			"makes S3 refuse plain-HTTP requests to the bucket and its objects, so data cannot be read or altered in transit.",
		Service:      "s3",
		Severity:     compliance.Medium,
		ResourceType: s3TypeBucket,
		Remediation: `Add a statement to the bucket policy: {"Effect":"Deny","Principal":"*","Action":"s3:*",` +
			`"Resource":["arn:aws:s3:::<bucket>","arn:aws:s3:::<bucket>/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}} ` +
			`(aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json)`,
		Eval: func(a *compliance.Account) []compliance.Result {
			return s3EachBucketPolicy(a, func(it *inventory.Item, name string, doc map[string]any) compliance.Result {
				if doc == nil {
					return compliance.FailFor(it, "bucket %s has no bucket policy, so it accepts requests over HTTP", name)
				}
				partial := ""
				for i, st := range rpStatements(doc) {
					if !s3DeniesInsecureTransport(st) {
						continue
					}
					if s3CoversObjects(st, it, name) {
						return compliance.PassFor(it, "policy statement %s of bucket %s denies all S3 actions when aws:SecureTransport is false", rpSid(st, i), name)
					}
					partial = rpSid(st, i)
				}
				if partial != "" {
					return compliance.FailFor(it, "policy statement %s of bucket %s denies insecure transport, but not for the bucket's objects (arn:…:s3:::%s/*)", partial, name, name)
				}
				return compliance.FailFor(it, "no statement in the policy of bucket %s denies all S3 actions to everyone when aws:SecureTransport is false", name)
			})
		},
	})
}
