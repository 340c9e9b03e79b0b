package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// Account contacts (the Account Management API; Config records neither).
//
// TypeContactInformation is the primary contact, one item per account
// (resourceId the account id), configuration GetContactInformation's
// ContactInformation: {fullName, companyName, addressLine1…3, city,
// stateOrRegion, districtOrCounty, postalCode, countryCode, phoneNumber,
// websiteUrl}.
//
// TypeAlternateContact is one item per alternate contact type (resourceId
// BILLING, OPERATIONS or SECURITY), configuration GetAlternateContact's
// AlternateContact {alternateContactType, name, title, emailAddress,
// phoneNumber} plus "exists": true, or {"alternateContactType": …,
// "exists": false} when none is registered (ResourceNotFoundException).
// When the call failed the item holds only the type and its errors name
// account:GetAlternateContact.
const (
	TypeContactInformation = "AWS::Account::ContactInformation"
	TypeAlternateContact   = "AWS::Account::AlternateContact"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "account-contacts",
		Global:        true,
		ResourceTypes: []string{TypeContactInformation, TypeAlternateContact},
		Permissions:   []string{"account:GetContactInformation", "account:GetAlternateContact"},
		Collect:       collectAccountContacts,
	})
}

func collectAccountContacts(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := account.NewFromConfig(s.AWS)
	var items []*inventory.Item
	info, err := inventory.Call(ctx, s, inventory.Op{Service: "account", Operation: "get-contact-information"},
		func(ctx context.Context) (*account.GetContactInformationOutput, error) {
			return c.GetContactInformation(ctx, &account.GetContactInformationInput{})
		})
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		s.Gap(TypeContactInformation, err)
	default:
		items = append(items, s.NewItem(TypeContactInformation, s.Account, "contact-information", "", info.ContactInformation))
	}

	for _, typ := range []types.AlternateContactType{types.AlternateContactTypeBilling, types.AlternateContactTypeOperations, types.AlternateContactTypeSecurity} {
		out, err := inventory.Call(ctx, s, inventory.Op{Service: "account", Operation: "get-alternate-contact", Resource: string(typ)},
			func(ctx context.Context) (*account.GetAlternateContactOutput, error) {
				return c.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: typ})
			})
		base := map[string]any{"alternateContactType": string(typ)}
		var it *inventory.Item
		switch {
		case inventory.IsCode(err, "ResourceNotFoundException"):
			base["exists"] = false
			it = s.NewItem(TypeAlternateContact, string(typ), string(typ), "", base)
		case err != nil:
			it = s.NewItem(TypeAlternateContact, string(typ), string(typ), "", base)
			if err := iamItemError(ctx, it, err); err != nil {
				return nil, err
			}
		default:
			it = s.NewItem(TypeAlternateContact, string(typ), string(typ), "", iamConfWith(out.AlternateContact, map[string]any{"exists": true}))
		}
		items = append(items, it)
	}
	return items, nil
}
