package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "account_security_contact_information_is_registered",
		Title: "A security alternate contact is registered",
		Description: "AWS sends security notifications (compromised keys, abuse) to the security alternate contact; without one they go " +
			"to the root email only. Passes when a SECURITY contact with an email address is registered.",
		Service:      "account",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeAlternateContact,
		Remediation:  "aws account put-alternate-contact --alternate-contact-type SECURITY --email-address security@example.com --name 'Security team' --phone-number +1… --title 'Security'",
		Eval: func(a *compliance.Account) []compliance.Result {
			var sec *inventory.Item
			for _, it := range a.Items(collect.TypeAlternateContact) {
				if strings.EqualFold(inventory.Str(it.Conf(), "alternateContactType"), "SECURITY") || it.ResourceID == "SECURITY" {
					sec = it
				}
			}
			if sec == nil {
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeAlternateContact, compliance.Error, "%s",
					iamGapReason(a, collect.TypeAlternateContact, "the security alternate contact"))}
			}
			if e := compliance.ItemGap(sec, "GetAlternateContact"); e != nil {
				return []compliance.Result{compliance.ErrorFor(sec, "%s", e.Reason())}
			}
			exists, known := inventory.Bool(sec.Conf(), "exists")
			email := inventory.Str(sec.Conf(), "emailAddress")
			switch {
			case known && !exists:
				return []compliance.Result{compliance.FailFor(sec, "no security alternate contact is registered")}
			case email == "":
				return []compliance.Result{compliance.FailFor(sec, "the security alternate contact has no email address")}
			}
			return []compliance.Result{compliance.PassFor(sec, "a security alternate contact is registered (email at %s)", email[strings.LastIndexByte(email, '@')+1:])}
		},
	})
}
