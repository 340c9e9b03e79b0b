package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func TestAccessAnalyzerEnabled(t *testing.T) {
	const typ = collect.TypeAccessAnalyzer
	arn := "arn:aws:access-analyzer:us-east-1:" + testAccount + ":analyzer/ext"
	runCases(t, "accessanalyzer_enabled", []checkCase{
		{"active analyzer in every region", append(regions("eu-west-1", "us-east-1"),
			item(typ, "eu-west-1", "a1", `{"name":"org","type":"ORGANIZATION","status":"ACTIVE"}`),
			item(typ, "us-east-1", arn, `{"Name":"ext","Type":"ACCOUNT","Status":"ACTIVE","Arn":"`+arn+`"}`)),
			[]want{{compliance.Pass, "a1", "org is active in eu-west-1"}, {compliance.Pass, arn, "ext"}}},
		{"unused-access analyzer only, and a failed one", append(regions("eu-west-1", "us-east-1"),
			item(typ, "eu-west-1", "a1", `{"name":"unused","type":"ACCOUNT_UNUSED_ACCESS","status":"ACTIVE"}`),
			item(typ, "us-east-1", "a2", `{"name":"ext","type":"ACCOUNT","status":"FAILED"}`)),
			[]want{{compliance.Fail, "", "no external access analyzer in eu-west-1"}, {compliance.Fail, "a2", "FAILED in us-east-1"}}},
		{"Config spelling without status", append(regions("us-east-1"), item(typ, "us-east-1", arn, `{"AnalyzerName":"ext","Type":"ACCOUNT","Arn":"`+arn+`"}`)),
			[]want{{compliance.Error, arn, "ext exists in us-east-1 but its status is not recorded"}}},
		{"API unavailable is an error", append(regions("us-east-1"), gap(typ, "us-east-1", "access-analyzer:ListAnalyzers", "InternalFailure")),
			[]want{{compliance.Error, "", "access-analyzer:ListAnalyzers in us-east-1: InternalFailure"}}},
	})
}
