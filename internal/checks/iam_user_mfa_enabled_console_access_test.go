package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestUserMFAEnabledConsoleAccess(t *testing.T) {
	const (
		password = `{"exists":true,"createDate":"2026-01-01T00:00:00Z"}`
		noMFA    = `[]`
		oneMFA   = `[{"serialNumber":"arn:aws:iam::111122223333:mfa/x"}]`
	)
	runCases(t, "iam_user_mfa_enabled_console_access", []checkCase{
		{"Vigil users", []*inventory.Item{
			iamUserItem("alice", "", map[string]string{"LoginProfile": password, "MfaDevices": oneMFA}),
			iamUserItem("bob", "", map[string]string{"LoginProfile": password, "MfaDevices": noMFA}),
			iamUserItem("carol", "", map[string]string{"LoginProfile": `{"exists":false}`, "MfaDevices": noMFA}),
		}, []want{
			{compliance.Pass, "AIDAALICE", "console password and MFA"},
			{compliance.Fail, "AIDABOB", "user bob has a console password and no MFA device"},
			{compliance.Pass, "AIDACAROL", "no console password"},
		}},
		{"Config users with the credential report", []*inventory.Item{
			iamConfigUser("dave", ""), iamConfigUser("erin", ""),
			iamReport(iamRow("<root_account>"), iamRow("dave", "password_enabled", "true"), iamRow("erin", "password_enabled", "true", "mfa_active", "true")),
		}, []want{
			{compliance.Fail, "AIDADAVE", "no MFA device"},
			{compliance.Pass, "AIDAERIN", "MFA"},
		}},
		{"denied login profile, no report", []*inventory.Item{
			iamWithErrors(iamUserItem("frank", "", map[string]string{"MfaDevices": noMFA}), inventory.CallError{Permission: "iam:GetLoginProfile", Code: "AccessDenied", Resource: "frank"}),
		}, []want{{compliance.Error, "AIDAFRANK", "missing permission iam:GetLoginProfile"}}},
		{"denied login profile, report answers", []*inventory.Item{
			iamWithErrors(iamUserItem("frank", "", map[string]string{"MfaDevices": noMFA}), inventory.CallError{Permission: "iam:GetLoginProfile", Code: "AccessDenied", Resource: "frank"}),
			iamReport(iamRow("frank", "password_enabled", "true")),
		}, []want{{compliance.Fail, "AIDAFRANK", "no MFA"}}},
		{"report only when users were denied", []*inventory.Item{
			gap(collect.TypeIAMUser, "global", "iam:GetAccountAuthorizationDetails", "AccessDenied"),
			iamReport(iamRow("<root_account>"), iamRow("gina", "password_enabled", "true")),
		}, []want{{compliance.Fail, "gina", "user gina has a console password and no MFA"}}},
		{"everything denied", []*inventory.Item{
			gap(collect.TypeIAMUser, "global", "iam:GetAccountAuthorizationDetails", "AccessDenied"),
			gap(collect.TypeCredentialReport, "global", "iam:GenerateCredentialReport", "AccessDenied"),
		}, []want{{compliance.Error, "", "missing permission iam:GetAccountAuthorizationDetails"}}},
		{"no users", []*inventory.Item{iamReport(iamRow("<root_account>"))}, []want{{compliance.NotApplicable, "", "no IAM users"}}},
	})
}
