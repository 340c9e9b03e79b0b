package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRootHardwareMFAEnabled(t *testing.T) {
	rootMFA := iamReport(iamRow("<root_account>", "mfa_active", "true"))
	const rootVirtual = `[{"serialNumber":"arn:aws:iam::111122223333:mfa/my-phone","enableDate":"2026-01-01T00:00:00Z","user":{"arn":"arn:aws:iam::111122223333:root"}}]`
	const aliceVirtual = `[{"serialNumber":"arn:aws:iam::111122223333:mfa/alice","enableDate":"2026-01-01T00:00:00Z","user":{"arn":"arn:aws:iam::111122223333:user/alice","userName":"alice"}},
		{"serialNumber":"arn:aws:iam::111122223333:mfa/root-account-mfa-device"}]`
	runCases(t, "iam_root_hardware_mfa_enabled", []checkCase{
		{"hardware passes", []*inventory.Item{rootMFA, iamSummary(`{"AccountMFAEnabled":1}`, map[string]string{"VirtualMFADevices": aliceVirtual})},
			[]want{{compliance.Pass, testAccount, "hardware device"}}},
		{"virtual fails", []*inventory.Item{rootMFA, iamSummary(`{"AccountMFAEnabled":1}`, map[string]string{"VirtualMFADevices": rootVirtual})},
			[]want{{compliance.Fail, testAccount, "virtual device arn:aws:iam::111122223333:mfa/my-phone"}}},
		{"legacy listing without users", []*inventory.Item{rootMFA, iamSummary(`{"AccountMFAEnabled":1}`, map[string]string{
			"VirtualMFADevices": `[{"SerialNumber":"arn:aws:iam::111122223333:mfa/root-account-mfa-device","EnableDate":"2025-01-01T00:00:00Z"}]`})},
			[]want{{compliance.Fail, testAccount, "root-account-mfa-device"}}},
		{"no MFA fails", []*inventory.Item{iamSummary(`{"AccountMFAEnabled":0}`, map[string]string{"VirtualMFADevices": `[]`})},
			[]want{{compliance.Fail, testAccount, "no MFA device at all"}}},
		{"device list denied is an error", []*inventory.Item{rootMFA, iamWithErrors(iamSummary(`{"AccountMFAEnabled":1}`, nil),
			inventory.CallError{Permission: "iam:ListVirtualMFADevices", Code: "AccessDenied"})},
			[]want{{compliance.Error, testAccount, "missing permission iam:ListVirtualMFADevices"}}},
		{"summary denied is an error", []*inventory.Item{rootMFA, gap(collect.TypeAccountSummary, "global", "iam:GetAccountSummary", "AccessDenied")},
			[]want{{compliance.Error, testAccount, "missing permission iam:GetAccountSummary"}}},
		{"nothing collected is an error", nil, []want{{compliance.Error, "", "not collected"}}},
	})
}
