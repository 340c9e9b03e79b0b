package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRootMFAEnabled(t *testing.T) {
	// The report as Config-style delivery tooling writes it: configuration
	// as a JSON string, ARN and awsAccountId spellings.
	delivered := iamDelivered(`{"configurationItemVersion":"1.3","awsAccountId":"` + testAccount + `","configurationItemCaptureTime":"2026-11-01T12:00:00.000Z",
		"resourceType":"AWS::IAM::CredentialReport","resourceId":"` + testAccount + `","awsRegion":"global","configurationItemStatus":"OK",
		"configuration":"{\"rows\":[{\"user\":\"<root_account>\",\"arn\":\"arn:aws:iam::` + testAccount + `:root\",\"mfa_active\":\"true\"}]}"}`)
	runCases(t, "iam_root_mfa_enabled", []checkCase{
		{"MFA passes", []*inventory.Item{iamReport(iamRow("<root_account>", "mfa_active", "true"))},
			[]want{{compliance.Pass, testAccount, "has MFA enabled"}}},
		{"no MFA fails", []*inventory.Item{iamReport(iamRow("<root_account>"), iamRow("bob", "mfa_active", "true"))},
			[]want{{compliance.Fail, testAccount, "no MFA device"}}},
		{"delivered spelling", []*inventory.Item{delivered}, []want{{compliance.Pass, testAccount, "MFA enabled"}}},
		{"summary when the report is denied", []*inventory.Item{
			gap(collect.TypeCredentialReport, "global", "iam:GenerateCredentialReport", "AccessDenied"),
			iamSummary(`{"AccountMFAEnabled":0}`, nil)},
			[]want{{compliance.Fail, testAccount, "no MFA"}}},
		{"denied is an error", []*inventory.Item{
			gap(collect.TypeCredentialReport, "global", "iam:GetCredentialReport", "AccessDenied"),
			gap(collect.TypeAccountSummary, "global", "iam:GetAccountSummary", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetCredentialReport"}}},
	})
}
