package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestUserMFAEnabled(t *testing.T) {
	runCases(t, "iam_user_mfa_enabled", []checkCase{
		{"Vigil users", []*inventory.Item{
			iamUserItem("alice", "", map[string]string{"MfaDevices": `[{"serialNumber":"arn:aws:iam::111122223333:mfa/a"}]`}),
			iamUserItem("bob", "", map[string]string{"MfaDevices": `[]`, "LoginProfile": `{"exists":false}`}),
		}, []want{{compliance.Pass, "AIDAALICE", "has MFA"}, {compliance.Fail, "AIDABOB", "user bob has no MFA device"}}},
		{"Config user with the report", []*inventory.Item{iamConfigUser("carol", ""), iamReport(iamRow("carol", "mfa_active", "true"))},
			[]want{{compliance.Pass, "AIDACAROL", "has MFA"}}},
		{"Config user without the report", []*inventory.Item{iamConfigUser("carol", "")},
			[]want{{compliance.Error, "AIDACAROL", "not collected: the user's MFA devices"}}},
		{"MFA list denied", []*inventory.Item{iamWithErrors(iamUserItem("dave", "", nil), inventory.CallError{Permission: "iam:ListMFADevices", Code: "AccessDenied"}),
			gap(collect.TypeCredentialReport, "global", "iam:GetCredentialReport", "AccessDenied")},
			[]want{{compliance.Error, "AIDADAVE", "missing permission iam:ListMFADevices"}}},
	})
}
