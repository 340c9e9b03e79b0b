package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "account_maintain_current_contact_details",
		Title: "The account's contact details are complete and current",
		Description: "AWS reaches the account owner through the primary contact (abuse reports, compromise notices). Vigil checks that a name, " +
			"address and phone number are registered; whether they are current needs a person, so a complete contact answers MANUAL.",
		Service:      "account",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeContactInformation,
		Remediation:  "aws account put-contact-information --contact-information FullName=…,AddressLine1=…,City=…,PostalCode=…,CountryCode=…,PhoneNumber=… (or Account settings in the console)",
		Eval: func(a *compliance.Account) []compliance.Result {
			it := a.One(collect.TypeContactInformation)
			if it == nil {
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeContactInformation, compliance.Error, "%s",
					iamGapReason(a, collect.TypeContactInformation, "the account's contact information"))}
			}
			var missing []string
			for _, f := range []struct{ key, what string }{
				{"fullName", "full name"}, {"addressLine1", "address"}, {"city", "city"}, {"countryCode", "country"}, {"phoneNumber", "phone number"},
			} {
				if strings.TrimSpace(inventory.Str(it.Conf(), f.key)) == "" {
					missing = append(missing, f.what)
				}
			}
			if len(missing) > 0 {
				return []compliance.Result{compliance.FailFor(it, "the account's contact information lacks: %s", strings.Join(missing, ", "))}
			}
			return []compliance.Result{iamResult(it, compliance.Manual, "contact name, address and phone number are registered; confirm they are current and reach a monitored mailbox and phone")}
		},
	})
}
