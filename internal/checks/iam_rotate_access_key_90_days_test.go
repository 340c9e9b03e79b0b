package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRotateAccessKey90Days(t *testing.T) {
	key := func(id, status string, createdDaysAgo int) string {
		return `{"accessKeyId":"` + id + `","status":"` + status + `","createDate":"` + iamDaysAgo(createdDaysAgo) + `"}`
	}
	runCases(t, "iam_rotate_access_key_90_days", []checkCase{
		{"Vigil users", []*inventory.Item{
			iamUserItem("alice", "", map[string]string{"AccessKeys": `[` + key("AKIAALICE000000KEY01", "Active", 90) + `]`}),
			iamUserItem("bob", "", map[string]string{"AccessKeys": `[` + key("AKIABOB00000000KEY01", "Active", 143) + `,` + key("AKIABOB00000000KEY02", "Inactive", 400) + `]`}),
			iamUserItem("carol", "", map[string]string{"AccessKeys": `[` + key("AKIACAROL000000KEY01", "Inactive", 400) + `]`}),
		}, []want{
			{compliance.Pass, "AIDAALICE", "rotated within 90 days"},
			{compliance.Fail, "AIDABOB", "access key AKIA…EY01 last rotated 143 days ago (2026-06-11)"},
			{compliance.Pass, "AIDACAROL", "no active access keys"},
		}},
		{"Config user with the report", []*inventory.Item{iamConfigUser("dave", ""),
			iamReport(iamRow("dave", "access_key_1_active", "true", "access_key_1_last_rotated", iamDaysAgo(10),
				"access_key_2_active", "true", "access_key_2_last_rotated", iamDaysAgo(91)))},
			[]want{{compliance.Fail, "AIDADAVE", "access key 2 last rotated 91 days ago"}}},
		{"keys denied", []*inventory.Item{
			iamWithErrors(iamUserItem("erin", "", nil), inventory.CallError{Permission: "iam:ListAccessKeys", Resource: "erin", Code: "AccessDenied"}),
			gap(collect.TypeCredentialReport, "global", "iam:GenerateCredentialReport", "AccessDenied"),
		}, []want{{compliance.Error, "AIDAERIN", "missing permission iam:ListAccessKeys"}}},
	})
}
