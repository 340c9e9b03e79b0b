package checks

import (
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "cloudtrail_logs_s3_bucket_access_logging_enabled",
		Title: "CloudTrail trail destination S3 bucket has server access logging enabled",
		Description: "Server access logs of the bucket CloudTrail delivers to show who read, changed or deleted the audit " +
			"trail itself. A bucket in another account (a central log archive) is not in this account's inventory and is " +
			"left for manual review there.",
		Service:      "cloudtrail",
		Severity:     compliance.Medium,
		ResourceType: s3TypeTrail,
		Remediation: "aws s3api put-bucket-logging --bucket <trail bucket> --bucket-logging-status " +
			`'{"LoggingEnabled":{"TargetBucket":"<access log bucket>","TargetPrefix":"<trail bucket>/"}}'`,
		Eval: func(a *compliance.Account) []compliance.Result {
			out := s3RegionalGaps(a, s3TypeTrail)
			buckets := map[string]*inventory.Item{}
			for _, b := range a.Items(s3TypeBucket) {
				buckets[s3BucketName(b)] = b
			}
			seen := map[string]bool{}
			for _, tr := range a.Items(s3TypeTrail) {
				key := tr.ARN + "|" + tr.ResourceID
				if seen[key] { // Config may record a multi-region trail in several regions
					continue
				}
				seen[key] = true
				out = append(out, s3TrailBucketLogging(a, tr, buckets))
			}
			if len(out) == 0 {
				out = append(out, compliance.AccountResult("", s3TypeTrail, compliance.NotApplicable, "the account has no CloudTrail trails"))
			}
			return out
		},
	})
}

// s3TrailBucketLogging is the verdict on one trail's bucket.
func s3TrailBucketLogging(a *compliance.Account, tr *inventory.Item, buckets map[string]*inventory.Item) compliance.Result {
	trail := inventory.Str(tr.Conf(), "name")
	if trail == "" {
		trail = tr.ResourceID
	}
	name := inventory.Str(tr.Conf(), "s3BucketName")
	if name == "" {
		return compliance.NAFor(tr, "trail %s delivers to no S3 bucket", trail)
	}
	b, ok := buckets[name]
	if !ok {
		if gap := a.Gap("", s3TypeBucket); gap != nil {
			return compliance.ErrorFor(tr, "trail %s delivers to bucket %s, which could not be looked up: %s", trail, name, gap.Reason())
		}
		r := compliance.NAFor(tr, "trail %s delivers to bucket %s, which is not in this account's inventory "+
			"(a central log archive in another account?): check its server access logging in the account that owns it", trail, name)
		r.Status = compliance.Manual
		return r
	}
	target, why := s3LogTarget(b)
	switch {
	case why != "":
		return compliance.ErrorFor(tr, "trail %s delivers to bucket %s, whose access logging cannot be read: %s", trail, name, why)
	case target == "":
		return compliance.FailFor(tr, "trail %s delivers to bucket %s, which has server access logging disabled", trail, name)
	}
	return compliance.PassFor(tr, "trail %s delivers to bucket %s, which logs its requests to bucket %s", trail, name, target)
}
