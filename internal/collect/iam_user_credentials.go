package collect

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// iamUserCredentials adds a user's access keys, MFA devices and login
// profile to its supplementaryConfiguration (see TypeIAMUser). A failed
// call is recorded on the item; only a cancelled ctx is returned.
func iamUserCredentials(ctx context.Context, s *inventory.Scope, c *iam.Client, it *inventory.Item) error {
	user := it.ResourceName
	supp := map[string]json.RawMessage{}

	keys, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-access-keys", Resource: user},
		func(ctx context.Context) (*iam.ListAccessKeysOutput, error) {
			all := &iam.ListAccessKeysOutput{}
			p := iam.NewListAccessKeysPaginator(c, &iam.ListAccessKeysInput{UserName: aws.String(user)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				all.AccessKeyMetadata = append(all.AccessKeyMetadata, page.AccessKeyMetadata...)
			}
			return all, nil
		})
	if err := iamItemError(ctx, it, err); err != nil {
		return err
	}
	if keys != nil {
		list := []map[string]any{}
		for _, k := range keys.AccessKeyMetadata {
			id := aws.ToString(k.AccessKeyId)
			key := map[string]any{"accessKeyId": id, "status": string(k.Status)}
			if k.CreateDate != nil {
				key["createDate"] = k.CreateDate.UTC()
			}
			used, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "get-access-key-last-used", Resource: id},
				func(ctx context.Context) (*iam.GetAccessKeyLastUsedOutput, error) {
					return c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
				})
			if err := iamItemError(ctx, it, err); err != nil {
				return err
			}
			if used != nil && used.AccessKeyLastUsed != nil {
				u := used.AccessKeyLastUsed
				if u.LastUsedDate != nil {
					key["lastUsedDate"] = u.LastUsedDate.UTC()
				}
				key["lastUsedServiceName"] = aws.ToString(u.ServiceName)
				key["lastUsedRegion"] = aws.ToString(u.Region)
			}
			list = append(list, key)
		}
		supp["AccessKeys"] = inventory.ConfigJSON(list)
	}

	mfa, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-mfa-devices", Resource: user, Permission: "iam:ListMFADevices"},
		func(ctx context.Context) (*iam.ListMFADevicesOutput, error) {
			all := &iam.ListMFADevicesOutput{}
			p := iam.NewListMFADevicesPaginator(c, &iam.ListMFADevicesInput{UserName: aws.String(user)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				all.MFADevices = append(all.MFADevices, page.MFADevices...)
			}
			return all, nil
		})
	if err := iamItemError(ctx, it, err); err != nil {
		return err
	}
	if mfa != nil {
		list := []map[string]any{}
		for _, d := range mfa.MFADevices {
			dev := map[string]any{"serialNumber": aws.ToString(d.SerialNumber)}
			if d.EnableDate != nil {
				dev["enableDate"] = d.EnableDate.UTC()
			}
			list = append(list, dev)
		}
		supp["MfaDevices"] = inventory.ConfigJSON(list)
	}

	login, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "get-login-profile", Resource: user},
		func(ctx context.Context) (*iam.GetLoginProfileOutput, error) {
			return c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String(user)})
		})
	switch {
	case inventory.IsCode(err, "NoSuchEntity"):
		supp["LoginProfile"] = json.RawMessage(`{"exists":false}`)
	case err != nil:
		if err := iamItemError(ctx, it, err); err != nil {
			return err
		}
	case login.LoginProfile != nil:
		lp := map[string]any{"exists": true, "passwordResetRequired": login.LoginProfile.PasswordResetRequired}
		if login.LoginProfile.CreateDate != nil {
			lp["createDate"] = login.LoginProfile.CreateDate.UTC()
		}
		supp["LoginProfile"] = inventory.ConfigJSON(lp)
	}
	if len(supp) > 0 {
		it.SupplementaryConfiguration = supp
	}
	return nil
}
