package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func TestSecurityHubEnabled(t *testing.T) {
	const typ = collect.TypeSecurityHub
	hubARN := "arn:aws:securityhub:us-east-1:" + testAccount + ":hub/default"
	runCases(t, "securityhub_enabled", []checkCase{
		{"enabled passes", append(regions("us-east-1"), item(typ, "us-east-1", testAccount, `{"enabled":true,"hubArn":"`+hubARN+`"}`)),
			[]want{{compliance.Pass, testAccount, "enabled in us-east-1"}}},
		{"Config spelling (hub exists only when enabled)", append(regions("us-east-1"), item(typ, "us-east-1", hubARN, `{"HubArn":"`+hubARN+`","AutoEnableControls":true}`)),
			[]want{{compliance.Pass, hubARN, ""}}},
		{"not subscribed and absent fail", append(regions("eu-west-1", "us-east-1"), item(typ, "us-east-1", testAccount, `{"enabled":false}`)),
			[]want{{compliance.Fail, "", "not enabled in eu-west-1"}, {compliance.Fail, testAccount, "not enabled in us-east-1"}}},
		{"denied is an error", append(regions("us-east-1"), gap(typ, "us-east-1", "securityhub:DescribeHub", "AccessDeniedException")),
			[]want{{compliance.Error, "", "missing permission securityhub:DescribeHub"}}},
	})
}
