package collect

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeAccountSummary is IAM's account summary, one item per account
// (resourceId the account id). Config does not record it. Its
// configuration is GetAccountSummary's SummaryMap verbatim
// ({"AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "Users": 4, …}).
// Its supplementaryConfiguration VirtualMFADevices lists the account's
// virtual MFA devices, [{serialNumber, enableDate, user: {arn, userName,
// userId}}] (no seeds), so that checks can tell a virtual root MFA device
// from a hardware one; the key is missing, and the item's errors name
// iam:ListVirtualMFADevices, when that call failed.
const TypeAccountSummary = "AWS::IAM::AccountSummary"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "iam-account-summary",
		Global:        true,
		ResourceTypes: []string{TypeAccountSummary},
		Permissions:   []string{"iam:GetAccountSummary", "iam:ListVirtualMFADevices"},
		Collect:       collectAccountSummary,
	})
}

func collectAccountSummary(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := iam.NewFromConfig(s.AWS)
	sum, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "get-account-summary"},
		func(ctx context.Context) (*iam.GetAccountSummaryOutput, error) {
			return c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.Gap(TypeAccountSummary, err)
		return nil, nil
	}
	conf := map[string]any{}
	for k, v := range sum.SummaryMap {
		conf[k] = v
	}
	it := s.NewItem(TypeAccountSummary, s.Account, "account-summary", "", conf)

	mfa, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-virtual-mfa-devices", Permission: "iam:ListVirtualMFADevices"},
		func(ctx context.Context) (*iam.ListVirtualMFADevicesOutput, error) {
			all := &iam.ListVirtualMFADevicesOutput{}
			p := iam.NewListVirtualMFADevicesPaginator(c, &iam.ListVirtualMFADevicesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				all.VirtualMFADevices = append(all.VirtualMFADevices, page.VirtualMFADevices...)
			}
			// IAM returns seeds only on creation, moto on every listing:
			// never keep them, not even in a recording.
			for i := range all.VirtualMFADevices {
				all.VirtualMFADevices[i].Base32StringSeed = nil
				all.VirtualMFADevices[i].QRCodePNG = nil
			}
			return all, nil
		})
	if err := iamItemError(ctx, it, err); err != nil {
		return nil, err
	}
	if mfa != nil {
		list := []map[string]any{}
		for _, d := range mfa.VirtualMFADevices {
			dev := map[string]any{"serialNumber": aws.ToString(d.SerialNumber)}
			if d.EnableDate != nil {
				dev["enableDate"] = d.EnableDate.UTC()
			}
			if u := d.User; u != nil {
				dev["user"] = map[string]any{"arn": aws.ToString(u.Arn), "userName": aws.ToString(u.UserName), "userId": aws.ToString(u.UserId)}
			}
			list = append(list, dev)
		}
		it.SupplementaryConfiguration = map[string]json.RawMessage{"VirtualMFADevices": inventory.ConfigJSON(list)}
	}
	return []*inventory.Item{it}, nil
}
