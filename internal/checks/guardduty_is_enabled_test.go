package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func TestGuardDutyIsEnabled(t *testing.T) {
	const typ = collect.TypeGuardDutyDetector
	runCases(t, "guardduty_is_enabled", []checkCase{
		{"enabled in every region", append(regions("eu-west-1", "us-east-1"),
			item(typ, "eu-west-1", "d1", `{"detectorId":"d1","status":"ENABLED","findingPublishingFrequency":"SIX_HOURS"}`),
			item(typ, "us-east-1", "d2", `{"detectorId":"d2","Status":"ENABLED"}`)),
			[]want{{compliance.Pass, "d1", "enabled in eu-west-1"}, {compliance.Pass, "d2", ""}}},
		{"Config spelling", append(regions("us-east-1"), item(typ, "us-east-1", "d3", `{"Id":"d3","Enable":true,"FindingPublishingFrequency":"FIFTEEN_MINUTES"}`)),
			[]want{{compliance.Pass, "d3", "enabled in us-east-1"}}},
		{"suspended and missing detectors fail", append(regions("eu-west-1", "us-east-1"), item(typ, "us-east-1", "d2", `{"detectorId":"d2","status":"DISABLED"}`)),
			[]want{{compliance.Fail, "", "not enabled in eu-west-1 (no detector)"}, {compliance.Fail, "d2", "DISABLED (suspended)"}}},
		{"denied calls are errors", append(regions("eu-west-1", "us-east-1"),
			withErrors(item(typ, "us-east-1", "d2", `{"detectorId":"d2"}`), "guardduty:GetDetector", "AccessDeniedException"),
			gap(typ, "eu-west-1", "guardduty:ListDetectors", "AccessDeniedException")),
			[]want{{compliance.Error, "", "missing permission guardduty:ListDetectors"}, {compliance.Error, "d2", "missing permission guardduty:GetDetector"}}},
	})
}
