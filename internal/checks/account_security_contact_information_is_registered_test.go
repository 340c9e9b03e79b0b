package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestSecurityContactInformationIsRegistered(t *testing.T) {
	const typ = collect.TypeAlternateContact
	billing := iamAt(typ, "BILLING", "", `{"alternateContactType":"BILLING","exists":true,"emailAddress":"billing@example.com"}`, nil)
	runCases(t, "account_security_contact_information_is_registered", []checkCase{
		{"registered passes", []*inventory.Item{billing, iamAt(typ, "SECURITY", "", `{"alternateContactType":"SECURITY","exists":true,"emailAddress":"sec@example.com","name":"Sec"}`, nil)},
			[]want{{compliance.Pass, "SECURITY", "email at example.com"}}},
		{"API spelling", []*inventory.Item{iamAt(typ, "SECURITY", "", `{"AlternateContactType":"SECURITY","EmailAddress":"sec@example.org"}`, nil)},
			[]want{{compliance.Pass, "SECURITY", "example.org"}}},
		{"missing fails", []*inventory.Item{billing, iamAt(typ, "SECURITY", "", `{"alternateContactType":"SECURITY","exists":false}`, nil)},
			[]want{{compliance.Fail, "SECURITY", "no security alternate contact"}}},
		{"denied is an error", []*inventory.Item{iamWithErrors(iamAt(typ, "SECURITY", "", `{"alternateContactType":"SECURITY"}`, nil),
			inventory.CallError{Permission: "account:GetAlternateContact", Resource: "SECURITY", Code: "AccessDeniedException"})},
			[]want{{compliance.Error, "SECURITY", "missing permission account:GetAlternateContact"}}},
		{"not collected is an error", []*inventory.Item{gap(typ, "global", "account:GetAlternateContact", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission"}}},
	})
}
