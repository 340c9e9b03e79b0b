package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestUserAccessKeyUnused(t *testing.T) {
	key := func(id, status string, createdDaysAgo, usedDaysAgo int) string {
		s := `{"accessKeyId":"` + id + `","status":"` + status + `","createDate":"` + iamDaysAgo(createdDaysAgo) + `"`
		if usedDaysAgo >= 0 {
			s += `,"lastUsedDate":"` + iamDaysAgo(usedDaysAgo) + `","lastUsedServiceName":"s3"`
		} else {
			s += `,"lastUsedServiceName":"N/A"`
		}
		return s + `}`
	}
	runCases(t, "iam_user_accesskey_unused", []checkCase{
		{"Vigil users", []*inventory.Item{
			iamUserItem("alice", "", map[string]string{"AccessKeys": `[` + key("AKIAALICE0000000KEY1", "Active", 300, 2) + `]`}),
			iamUserItem("bob", "", map[string]string{"AccessKeys": `[` + key("AKIABOB00000000KEY01", "Active", 300, 60) + `,` + key("AKIABOB00000000KEY02", "Inactive", 300, 200) + `]`}),
			iamUserItem("carol", "", map[string]string{"AccessKeys": `[` + key("AKIACAROL000000KEY01", "Active", 50, -1) + `]`}),
			iamUserItem("dave", "", map[string]string{"AccessKeys": `[]`}),
			iamUserItem("erin", "", map[string]string{"AccessKeys": `[` + key("AKIAERIN0000000KEY01", "Active", 10, -1) + `]`}),
		}, []want{
			{compliance.Pass, "AIDAALICE", "used or created within 45 days"},
			{compliance.Fail, "AIDABOB", "user bob: access key AKIA…EY01 last used 60 days ago"},
			{compliance.Fail, "AIDACAROL", "access key AKIA…EY01 created 50 days ago and never used"},
			{compliance.Pass, "AIDADAVE", "no active access keys"},
			{compliance.Pass, "AIDAERIN", "within 45 days"},
		}},
		{"Config user with the report", []*inventory.Item{iamConfigUser("frank", ""),
			iamReport(iamRow("frank", "access_key_1_active", "true", "access_key_1_last_rotated", iamDaysAgo(100), "access_key_1_last_used_date", iamDaysAgo(45)))},
			[]want{{compliance.Fail, "AIDAFRANK", "access key 1 last used 45 days ago"}}},
		{"last use denied", []*inventory.Item{
			iamWithErrors(iamUserItem("gina", "", map[string]string{"AccessKeys": `[{"accessKeyId":"AKIAGINA000000KEY01","status":"Active","createDate":"` + iamDaysAgo(5) + `"}]`}),
				inventory.CallError{Permission: "iam:GetAccessKeyLastUsed", Resource: "AKIAGINA000000KEY01", Code: "AccessDenied"}),
		}, []want{{compliance.Error, "AIDAGINA", "missing permission iam:GetAccessKeyLastUsed"}}},
		{"keys denied, no report", []*inventory.Item{
			iamWithErrors(iamUserItem("hank", "", nil), inventory.CallError{Permission: "iam:ListAccessKeys", Resource: "hank", Code: "AccessDenied"}),
			gap(collect.TypeCredentialReport, "global", "iam:GenerateCredentialReport", "AccessDenied"),
		}, []want{{compliance.Error, "AIDAHANK", "missing permission iam:ListAccessKeys"}}},
	})
}
