package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestOrganizationManagementAccountNoWorkloads(t *testing.T) {
	runCases(t, "account_organization_management_account_no_workloads", []checkCase{
		{"in an organization", []*inventory.Item{iamAt(collect.TypeOrganizationsFeatures, testAccount, "", `{"organizationId":"o-abc","enabledFeatures":[]}`, nil)},
			[]want{{compliance.Manual, testAccount, "management account holds no workloads"}}},
		{"unknown", nil, []want{{compliance.Manual, testAccount, "management account holds no workloads"}}},
		{"no organization", []*inventory.Item{iamAt(collect.TypeOrganizationsFeatures, testAccount, "", `{"unavailable":"OrganizationNotFoundException"}`, nil)},
			[]want{{compliance.NotApplicable, testAccount, "not in an AWS Organization"}}},
	})
}
