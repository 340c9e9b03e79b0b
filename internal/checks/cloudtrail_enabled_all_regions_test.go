package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func TestCloudTrailEnabledAllRegions(t *testing.T) {
	const typ = collect.TypeCloudTrailTrail
	regional := withSupp(item(typ, "eu-west-1", "local", `{"name":"local","isMultiRegionTrail":false}`), lgTrailSupp)
	stopped := withSupp(item(typ, "us-east-1", "main", lgTrailConf), `{"TrailStatus":{"isLogging":false}}`)
	runCases(t, "cloudtrail_enabled_all_regions", []checkCase{
		{"multi-region trail covers every region", append(regions("eu-west-1", "us-east-1"), lgTrail()),
			[]want{{compliance.Pass, "main", "logs eu-west-1"}, {compliance.Pass, "main", "logs us-east-1"}}},
		{"regional trail covers its region only", append(regions("eu-west-1", "us-east-1"), regional),
			[]want{{compliance.Pass, "local", "logs eu-west-1"}, {compliance.Fail, "", "no logging trail covers us-east-1"}}},
		{"Config spelling", append(regions("us-east-1"), withSupp(item(typ, "us-east-1", "T", `{"Name":"T","IsMultiRegionTrail":false}`), `{"TrailStatus":{"IsLogging":true}}`)),
			[]want{{compliance.Pass, "T", ""}}},
		{"stopped trail fails", append(regions("us-east-1"), stopped), []want{{compliance.Fail, "", "no logging trail covers us-east-1"}}},
		{"a gap elsewhere may hide a multi-region trail", append(regions("eu-west-1", "us-east-1"), regional, gap(typ, "us-east-1", "cloudtrail:DescribeTrails", "AccessDenied")),
			[]want{{compliance.Pass, "local", ""}, {compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}}},
	})
}
