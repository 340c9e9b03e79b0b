package checks

import (
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_bucket_server_access_logging_enabled",
		Title: "S3 bucket has server access logging enabled",
		Description: "Like AWS Config's s3-bucket-logging-enabled: server access logs record every request to the bucket " +
			"(requester, operation, key, response), which investigations and access reviews need.",
		Service:      "s3",
		Severity:     compliance.Medium,
		ResourceType: s3TypeBucket,
		Remediation: "aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status " +
			`'{"LoggingEnabled":{"TargetBucket":"<log bucket in the same region>","TargetPrefix":"<bucket>/"}}'`,
		Eval: func(a *compliance.Account) []compliance.Result {
			return s3EachBucket(a, s3AccessLogging)
		},
	})
}

// s3AccessLogging is the server access logging verdict on one bucket.
func s3AccessLogging(it *inventory.Item) compliance.Result {
	name := s3BucketName(it)
	target, why := s3LogTarget(it)
	switch {
	case why != "":
		return compliance.ErrorFor(it, "cannot read the access logging of bucket %s: %s", name, why)
	case target == "":
		return compliance.FailFor(it, "bucket %s has server access logging disabled", name)
	}
	return compliance.PassFor(it, "bucket %s logs its requests to bucket %s", name, target)
}

// s3LogTarget returns the bucket receiving its server access logs ("" when
// logging is off) or why it is unknown.
func s3LogTarget(it *inventory.Item) (string, string) {
	if why := s3CallFailed(it, "s3:GetBucketLogging"); why != "" {
		return "", why
	}
	l := inventory.Obj(it.Supp(), "BucketLoggingConfiguration")
	if target := inventory.Str(l, "destinationBucketName"); target != "" {
		return target, ""
	}
	return inventory.Str(l, "loggingEnabled", "targetBucket"), "" // the API's shape
}
