package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestOrganizationAuthorizationGuardrails(t *testing.T) {
	runCases(t, "account_organization_authorization_guardrails", []checkCase{
		{"in an organization", []*inventory.Item{iamAt(collect.TypeOrganizationsFeatures, testAccount, "", `{"organizationId":"o-abc","enabledFeatures":[]}`, nil)},
			[]want{{compliance.Manual, testAccount, "service control and resource control policies"}}},
		{"unknown", nil, []want{{compliance.Manual, testAccount, "service control and resource control policies"}}},
		{"no organization", []*inventory.Item{iamAt(collect.TypeOrganizationsFeatures, testAccount, "", `{"unavailable":"OrganizationNotFoundException"}`, nil)},
			[]want{{compliance.NotApplicable, testAccount, "not in an AWS Organization"}}},
	})
}
