package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCloudTrailLogFileValidationEnabled(t *testing.T) {
	const typ = collect.TypeCloudTrailTrail
	runCases(t, "cloudtrail_log_file_validation_enabled", []checkCase{
		{"validating trail passes", []*inventory.Item{lgTrail()}, []want{{compliance.Pass, "main", "trail main validates"}}},
		{"Config spelling, two trails", []*inventory.Item{
			item(typ, "ap-southeast-1", "APJCCloudTrail", `{"name":"APJCCloudTrail","isMultiRegionTrail":true,"LogFileValidationEnabled":true}`),
			item(typ, "ap-southeast-1", "Other", `{"name":"Other","logFileValidationEnabled":false}`),
		}, []want{{compliance.Pass, "APJCCloudTrail", ""}, {compliance.Fail, "Other", "does not validate"}}},
		{"denied region is an error", []*inventory.Item{lgTrail(), gap(typ, "eu-west-1", "cloudtrail:DescribeTrails", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}, {compliance.Pass, "main", ""}}},
		{"no trails", nil, []want{{compliance.NotApplicable, "", "no CloudTrail trail"}}},
	})
}
