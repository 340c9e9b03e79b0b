package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCloudTrailS3DataEventsWriteEnabled(t *testing.T) {
	stopped := s3Trail(`"EventSelectors":[{"readWriteType":"All","dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3"]}]}]`)
	stopped.SupplementaryConfiguration["TrailStatus"] = []byte(`{"isLogging":false}`)
	runCases(t, "cloudtrail_s3_dataevents_write_enabled", []checkCase{
		{"classic write-only passes", []*inventory.Item{s3Trail(`"EventSelectors":[{"readWriteType":"WriteOnly","dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3"]}]}]`)},
			[]want{{compliance.Pass, "data", "write events of all buckets"}}},
		{"advanced without readOnly passes", []*inventory.Item{s3Trail(`"AdvancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::S3::Object"]}]}]`)},
			[]want{{compliance.Pass, "data", ""}}},
		{"Config spelling", []*inventory.Item{s3Trail(`"AdvancedEventSelectors":[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"readOnly","Equals":["false"]}]}]`)},
			[]want{{compliance.Pass, "data", ""}}},
		{"read-only fails", []*inventory.Item{s3Trail(`"EventSelectors":[{"readWriteType":"ReadOnly","dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3"]}]}]`)},
			[]want{{compliance.Fail, "", "write events"}}},
		{"one bucket fails", []*inventory.Item{s3Trail(`"EventSelectors":[{"readWriteType":"All","dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3:::logs/"]}]}]`)},
			[]want{{compliance.Fail, "", "write events"}}},
		{"stopped trail fails", []*inventory.Item{stopped}, []want{{compliance.Fail, "", "that is logging"}}},
		{"trails denied is an error", []*inventory.Item{gap(collect.TypeCloudTrailTrail, "us-east-1", "cloudtrail:DescribeTrails", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}}},
	})
}
