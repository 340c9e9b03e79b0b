package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCloudTrailMultiRegionEnabled(t *testing.T) {
	const typ = collect.TypeCloudTrailTrail
	stopped := withSupp(item(typ, "us-east-1", "main", lgTrailConf), `{"TrailStatus":{"isLogging":false},"EventSelectors":[{"readWriteType":"All"}]}`)
	writeOnly := withSupp(item(typ, "us-east-1", "main", lgTrailConf), `{"TrailStatus":{"isLogging":true},"EventSelectors":[{"readWriteType":"WriteOnly","includeManagementEvents":true}]}`)
	regional := withSupp(item(typ, "eu-west-1", "local", `{"name":"local","isMultiRegionTrail":false}`), lgTrailSupp)
	runCases(t, "cloudtrail_multi_region_enabled", []checkCase{
		{"logging multi-region trail passes", []*inventory.Item{regional, lgTrail()}, []want{{compliance.Pass, "main", "multi-region, logging"}}},
		{"Config spelling with default selectors", []*inventory.Item{withSupp(item(typ, "ap-southeast-1", "APJCCloudTrail",
			`{"name":"APJCCloudTrail","IsMultiRegionTrail":true,"hasCustomEventSelectors":false}`), `{"Tags":[],"TrailStatus":{"IsLogging":true}}`)},
			[]want{{compliance.Pass, "APJCCloudTrail", ""}}},
		{"stopped trail fails", []*inventory.Item{stopped}, []want{{compliance.Fail, "", "trail main is not logging"}}},
		{"write-only management events fail", []*inventory.Item{writeOnly}, []want{{compliance.Fail, "", "does not record both read and write"}}},
		{"single-region trail fails", []*inventory.Item{regional}, []want{{compliance.Fail, "", "trail local is not multi-region"}}},
		{"no trail fails", regions("us-east-1"), []want{{compliance.Fail, "", "no CloudTrail trail"}}},
		{"status unknown is an error", []*inventory.Item{withErrors(item(typ, "us-east-1", "main", lgTrailConf), "cloudtrail:GetTrailStatus", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission cloudtrail:GetTrailStatus"}}},
		{"Config item without status is an error", []*inventory.Item{item(typ, "us-east-1", "main", lgTrailConf)},
			[]want{{compliance.Error, "", "logging status of trail main is not recorded"}}},
		{"denied listing is an error", []*inventory.Item{regional, gap(typ, "us-east-1", "cloudtrail:DescribeTrails", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}}},
	})
}
