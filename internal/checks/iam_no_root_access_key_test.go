package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestNoRootAccessKey(t *testing.T) {
	runCases(t, "iam_no_root_access_key", []checkCase{
		{"no keys passes", []*inventory.Item{iamReport(iamRow("<root_account>"), iamRow("alice", "access_key_1_active", "true"))},
			[]want{{compliance.Pass, testAccount, "no active access keys"}}},
		{"active key fails", []*inventory.Item{iamReport(iamRow("<root_account>", "access_key_2_active", "true", "access_key_2_last_rotated", iamDaysAgo(3)))},
			[]want{{compliance.Fail, testAccount, "1 active access key(s) (access key 2)"}}},
		{"summary when no report", []*inventory.Item{iamSummary(`{"AccountAccessKeysPresent":1,"AccountMFAEnabled":1}`, nil)},
			[]want{{compliance.Fail, testAccount, "AccountAccessKeysPresent = 1"}}},
		{"summary lower camel", []*inventory.Item{iamSummary(`{"accountAccessKeysPresent":0}`, nil)},
			[]want{{compliance.Pass, testAccount, "no access keys"}}},
		{"report without root row falls back to the summary", []*inventory.Item{iamReport(iamRow("alice")), iamSummary(`{"AccountAccessKeysPresent":0}`, nil)},
			[]want{{compliance.Pass, testAccount, "AccountAccessKeysPresent = 0"}}},
		{"report without root row and no summary", []*inventory.Item{iamReport(iamRow("alice"))},
			[]want{{compliance.Error, "", "no <root_account> row; not collected: the IAM account summary"}}},
		{"denied is an error", []*inventory.Item{
			gap(collect.TypeCredentialReport, "global", "iam:GenerateCredentialReport", "AccessDenied"),
			gap(collect.TypeAccountSummary, "global", "iam:GetAccountSummary", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GenerateCredentialReport (AccessDenied); missing permission iam:GetAccountSummary"}}},
		{"not collected is an error", nil, []want{{compliance.Error, "", "not collected: the credential report"}}},
	})
}
