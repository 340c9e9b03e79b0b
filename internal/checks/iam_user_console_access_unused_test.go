package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestUserConsoleAccessUnused(t *testing.T) {
	runCases(t, "iam_user_console_access_unused", []checkCase{
		{"credential report", []*inventory.Item{iamReport(
			iamRow("<root_account>"),
			iamRow("alice", "password_enabled", "true", "password_last_used", iamDaysAgo(3), "password_last_changed", iamDaysAgo(300)),
			iamRow("bob", "password_enabled", "true", "password_last_used", iamDaysAgo(90), "password_last_changed", iamDaysAgo(300)),
			iamRow("carol", "password_enabled", "true", "password_last_used", "no_information", "password_last_changed", iamDaysAgo(46)),
			iamRow("dave", "password_enabled", "true", "password_last_used", "no_information", "password_last_changed", iamDaysAgo(2)),
			iamRow("erin"),
		)}, []want{
			{compliance.Pass, "alice", "signed in to the console 3 days ago"},
			{compliance.Fail, "bob", "user bob last signed in to the console 90 days ago (2026-08-03)"},
			{compliance.Fail, "carol", "got a console password 46 days ago (2026-09-16) and never signed in"},
			{compliance.Pass, "dave", "has not signed in yet"},
			{compliance.Pass, "erin", "no console password"},
		}},
		{"Config user and report, password set per login profile", []*inventory.Item{
			iamUserItem("frank", "", map[string]string{"LoginProfile": `{"exists":true,"createDate":"` + iamDaysAgo(60) + `"}`}),
			iamReport(iamRow("frank", "password_enabled", "true", "password_last_used", "no_information")),
		}, []want{{compliance.Fail, "AIDAFRANK", "60 days ago"}}},
		{"no report: last use unknown", []*inventory.Item{
			iamUserItem("gina", "", map[string]string{"LoginProfile": `{"exists":true}`}),
			gap(collect.TypeCredentialReport, "global", "iam:GetCredentialReport", "AccessDenied"),
		}, []want{{compliance.Error, "AIDAGINA", "missing permission iam:GetCredentialReport"}}},
		{"no report, no password", []*inventory.Item{iamUserItem("hank", "", map[string]string{"LoginProfile": `{"exists":false}`})},
			[]want{{compliance.Pass, "AIDAHANK", "no console password"}}},
	})
}
