package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestAvoidRootUsage(t *testing.T) {
	runCases(t, "iam_avoid_root_usage", []checkCase{
		{"never used passes", []*inventory.Item{iamReport(iamRow("<root_account>"))},
			[]want{{compliance.Pass, testAccount, "records no use"}}},
		{"used long ago passes", []*inventory.Item{iamReport(iamRow("<root_account>", "password_last_used", iamDaysAgo(200)))},
			[]want{{compliance.Pass, testAccount, "last used 200 days ago"}}},
		{"password used recently fails", []*inventory.Item{iamReport(iamRow("<root_account>", "password_last_used", iamDaysAgo(3)))},
			[]want{{compliance.Fail, testAccount, "password was used 3 days ago (2026-10-29)"}}},
		{"key used recently fails", []*inventory.Item{iamReport(iamRow("<root_account>", "password_last_used", iamDaysAgo(100),
			"access_key_1_active", "true", "access_key_1_last_used_date", iamDaysAgo(10)))},
			[]want{{compliance.Fail, testAccount, "access key 1 was used 10 days ago"}}},
		{"summary alone cannot tell", []*inventory.Item{iamReport(iamRow("bob")), iamSummary(`{"AccountMFAEnabled":1}`, nil)},
			[]want{{compliance.Error, "", "no <root_account> row"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeCredentialReport, "global", "iam:GetCredentialReport", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetCredentialReport"}}},
	})
}
