package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestOrganizationDelegatedAdminPolicies(t *testing.T) {
	runCases(t, "account_organization_delegated_admin_policies", []checkCase{
		{"in an organization", []*inventory.Item{iamAt(collect.TypeOrganizationsFeatures, testAccount, "", `{"organizationId":"o-abc","enabledFeatures":[]}`, nil)},
			[]want{{compliance.Manual, testAccount, "delegates policy management"}}},
		{"unknown", nil, []want{{compliance.Manual, testAccount, "delegates policy management"}}},
		{"no organization", []*inventory.Item{iamAt(collect.TypeOrganizationsFeatures, testAccount, "", `{"unavailable":"OrganizationNotFoundException"}`, nil)},
			[]want{{compliance.NotApplicable, testAccount, "not in an AWS Organization"}}},
	})
}
