package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRootCredentialsManagementEnabled(t *testing.T) {
	const typ = collect.TypeOrganizationsFeatures
	features := func(conf string) []*inventory.Item { return []*inventory.Item{iamAt(typ, testAccount, "", conf, nil)} }
	runCases(t, "iam_root_credentials_management_enabled", []checkCase{
		{"enabled passes", features(`{"organizationId":"o-abc","enabledFeatures":["RootCredentialsManagement","RootSessions"]}`),
			[]want{{compliance.Pass, testAccount, "centralized root access is enabled"}}},
		{"API spelling", features(`{"OrganizationId":"o-abc","EnabledFeatures":["RootCredentialsManagement"]}`),
			[]want{{compliance.Pass, testAccount, "RootCredentialsManagement"}}},
		{"sessions only fails", features(`{"organizationId":"o-abc","enabledFeatures":["RootSessions"]}`),
			[]want{{compliance.Fail, testAccount, "not enabled (enabled features: [RootSessions])"}}},
		{"trusted access off fails", features(`{"unavailable":"ServiceAccessNotEnabledException"}`),
			[]want{{compliance.Fail, testAccount, "trusted access for IAM is not enabled"}}},
		{"member account is manual", features(`{"unavailable":"AccountNotManagementOrDelegatedAdministratorException"}`),
			[]want{{compliance.Manual, testAccount, "management account"}}},
		{"standalone account", features(`{"unavailable":"OrganizationNotFoundException"}`),
			[]want{{compliance.NotApplicable, testAccount, "not in an AWS Organization"}}},
		{"unimplemented is an error", []*inventory.Item{gap(typ, "global", "iam:ListOrganizationsFeatures", "Error")},
			[]want{{compliance.Error, "", "iam:ListOrganizationsFeatures"}}},
		{"not collected is an error", nil, []want{{compliance.Error, "", "not collected"}}},
	})
}
