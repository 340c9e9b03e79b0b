package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "cloudtrail_s3_dataevents_write_enabled",
		Title:        "CloudTrail records S3 object-level write events for all buckets",
		Description:  "Object-level (data event) logging of write operations on every bucket, through a classic event selector on arn:aws:s3 or an advanced selector on AWS::S3::Object data events, of a trail that is logging; it records who writes or deletes which objects.",
		Service:      "cloudtrail",
		Severity:     compliance.Low,
		ResourceType: collect.TypeCloudTrailTrail,
		Remediation:  "aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors '[{\"Name\":\"S3 writes\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":[\"AWS::S3::Object\"]},{\"Field\":\"readOnly\",\"Equals\":[\"false\"]}]}]' (keep your management-event selector)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ctS3DataEvents(a, true)
		},
	})
}
