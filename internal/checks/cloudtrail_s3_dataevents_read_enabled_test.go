package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// s3Trail is a logging trail with the given event selectors.
func s3Trail(selectors string) *inventory.Item {
	return withSupp(item(collect.TypeCloudTrailTrail, "us-east-1", "data", `{"name":"data","isMultiRegionTrail":true}`),
		`{"TrailStatus":{"isLogging":true},`+selectors+`}`)
}

func TestCloudTrailS3DataEventsReadEnabled(t *testing.T) {
	runCases(t, "cloudtrail_s3_dataevents_read_enabled", []checkCase{
		{"classic all buckets passes", []*inventory.Item{lgTrail(), s3Trail(`"EventSelectors":[{"readWriteType":"All","dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3"]}]}]`)},
			[]want{{compliance.Pass, "data", "read events of all buckets"}}},
		{"advanced read selector passes", []*inventory.Item{s3Trail(`"AdvancedEventSelectors":[{"name":"r","fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::S3::Object"]},{"field":"readOnly","equals":["true"]}]}]`)},
			[]want{{compliance.Pass, "data", ""}}},
		{"Config spelling", []*inventory.Item{s3Trail(`"EventSelectors":[{"ReadWriteType":"ReadOnly","DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::"]}]}]`)},
			[]want{{compliance.Pass, "data", ""}}},
		{"write-only fails", []*inventory.Item{s3Trail(`"EventSelectors":[{"readWriteType":"WriteOnly","dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3"]}]}]`)},
			[]want{{compliance.Fail, "", "none of the account's 1 trail"}}},
		{"management only fails", []*inventory.Item{lgTrail()}, []want{{compliance.Fail, "", "S3 object-level read events"}}},
		{"selectors denied is an error", []*inventory.Item{withErrors(s3Trail(`"x":1`), "cloudtrail:GetEventSelectors", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission cloudtrail:GetEventSelectors"}}},
		{"trails denied is an error", []*inventory.Item{gap(collect.TypeCloudTrailTrail, "us-east-1", "cloudtrail:DescribeTrails", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}}},
	})
}
