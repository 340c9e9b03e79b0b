package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// s3TrailSample is a trail as Config delivers it (awsAccountId spelling of
// the CI fields), logging into delivered-bucket.
const s3TrailSample = `{
  "configurationItemVersion": "1.3", "awsAccountId": "111122223333", "configurationItemCaptureTime": "2018-09-18T17:42:35.043Z",
  "configurationItemStatus": "OK", "configurationStateId": 1519183538560,
  "ARN": "arn:aws:cloudtrail:ap-southeast-1:111122223333:trail/APJCCloudTrail",
  "resourceType": "AWS::CloudTrail::Trail", "resourceId": "APJCCloudTrail", "awsRegion": "ap-southeast-1",
  "availabilityZone": "Regional", "tags": {}, "relatedEvents": [], "relationships": [],
  "configuration": {"name": "APJCCloudTrail", "s3BucketName": "delivered-bucket", "s3KeyPrefix": "CloudTrail",
    "includeGlobalServiceEvents": true, "isMultiRegionTrail": true, "homeRegion": "ap-southeast-1",
    "trailARN": "arn:aws:cloudtrail:ap-southeast-1:111122223333:trail/APJCCloudTrail", "logFileValidationEnabled": true},
  "supplementaryConfiguration": {"Tags": []}
}`

func TestCloudTrailLogsS3BucketAccessLoggingEnabled(t *testing.T) {
	trail := func(region, name, bucket string) *inventory.Item {
		it := item(s3TypeTrail, region, name, `{"name":"`+name+`","s3BucketName":"`+bucket+`","isMultiRegionTrail":true,"homeRegion":"`+region+`"}`)
		it.ARN = "arn:aws:cloudtrail:" + region + ":" + testAccount + ":trail/" + name
		return it
	}
	logged := s3Bucket("trail-logs", "us-east-1", map[string]string{"BucketLoggingConfiguration": `{"destinationBucketName":"access-logs","logFilePrefix":"trail-logs/"}`})
	unlogged := s3Bucket("trail-logs", "us-east-1", map[string]string{"BucketLoggingConfiguration": `{"destinationBucketName":null,"logFilePrefix":null}`})
	runCases(t, "cloudtrail_logs_s3_bucket_access_logging_enabled", []checkCase{
		{"logged bucket passes", []*inventory.Item{trail("us-east-1", "main", "trail-logs"), logged},
			[]want{{compliance.Pass, "main", "trail main delivers to bucket trail-logs, which logs its requests to bucket access-logs"}}},
		{"unlogged bucket fails", []*inventory.Item{trail("us-east-1", "main", "trail-logs"), unlogged},
			[]want{{compliance.Fail, "main", "which has server access logging disabled"}}},
		{"Config's delivered trail and bucket", []*inventory.Item{s3Delivered(s3TrailSample), s3Delivered(s3ConfigSample)},
			[]want{{compliance.Fail, "APJCCloudTrail", "trail APJCCloudTrail delivers to bucket delivered-bucket, which has server access logging disabled"}}},
		{"bucket in another account is manual", []*inventory.Item{trail("us-east-1", "org", "central-archive"), logged},
			[]want{{compliance.Manual, "org", "bucket central-archive, which is not in this account's inventory"}}},
		{"a trail recorded in two regions is judged once", []*inventory.Item{trail("us-east-1", "main", "trail-logs"), trail("us-east-1", "main", "trail-logs"), logged},
			[]want{{compliance.Pass, "main", ""}}},
		{"bucket logging denied is an error", []*inventory.Item{trail("us-east-1", "main", "trail-logs"), s3Bucket("trail-logs", "us-east-1", nil, "s3:GetBucketLogging")},
			[]want{{compliance.Error, "main", "missing permission s3:GetBucketLogging"}}},
		{"buckets not listed is an error", []*inventory.Item{trail("us-east-1", "main", "trail-logs"), gap(s3TypeBucket, "us-east-1", "s3:ListAllMyBuckets", "AccessDenied")},
			[]want{{compliance.Error, "main", "could not be looked up: missing permission s3:ListAllMyBuckets"}}},
		{"trails not listed in a region is an error", append(regions("eu-west-1", "us-east-1"),
			gap(s3TypeTrail, "eu-west-1", "cloudtrail:DescribeTrails", "AccessDenied"), trail("us-east-1", "main", "trail-logs"), logged),
			[]want{{compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}, {compliance.Pass, "main", ""}}},
		{"no trails", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no CloudTrail trails"}}},
	})
}
