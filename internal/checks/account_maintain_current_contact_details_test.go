package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestMaintainCurrentContactDetails(t *testing.T) {
	const typ = collect.TypeContactInformation
	runCases(t, "account_maintain_current_contact_details", []checkCase{
		{"complete is manual", []*inventory.Item{iamAt(typ, testAccount, "",
			`{"fullName":"Example Ops","addressLine1":"1 Main St","city":"Springfield","countryCode":"US","postalCode":"12345","phoneNumber":"+15555550100"}`, nil)},
			[]want{{compliance.Manual, testAccount, "confirm they are current"}}},
		{"API spelling", []*inventory.Item{iamAt(typ, testAccount, "",
			`{"FullName":"Example Ops","AddressLine1":"1 Main St","City":"Springfield","CountryCode":"US","PhoneNumber":"+15555550100"}`, nil)},
			[]want{{compliance.Manual, testAccount, "registered"}}},
		{"incomplete fails", []*inventory.Item{iamAt(typ, testAccount, "", `{"fullName":"Example Ops","addressLine1":"1 Main St","city":"Springfield","countryCode":"US","phoneNumber":" "}`, nil)},
			[]want{{compliance.Fail, testAccount, "lacks: phone number"}}},
		{"not implemented is an error", []*inventory.Item{gap(typ, "global", "account:GetContactInformation", "404")},
			[]want{{compliance.Error, "", "account:GetContactInformation"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "account:GetContactInformation", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission account:GetContactInformation"}}},
	})
}
