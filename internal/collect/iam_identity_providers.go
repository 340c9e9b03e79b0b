package collect

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// Identity providers of IAM federation (awsRegion "global", resourceId
// the provider's ARN).
//
// TypeSAMLProvider's configuration is ListSAMLProviders' entry: {arn,
// createDate, validUntil} plus name (the ARN's last part).
// TypeOIDCProvider's is GetOpenIDConnectProvider's answer: {arn, url,
// clientIDList, thumbprintList, createDate, tags}; when that call failed,
// only {arn} and the item's errors.
const (
	TypeSAMLProvider = "AWS::IAM::SAMLProvider"
	TypeOIDCProvider = "AWS::IAM::OIDCProvider"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "iam-identity-providers",
		Global:        true,
		ResourceTypes: []string{TypeSAMLProvider, TypeOIDCProvider},
		Permissions:   []string{"iam:ListSAMLProviders", "iam:ListOpenIDConnectProviders", "iam:GetOpenIDConnectProvider"},
		Collect:       collectIdentityProviders,
	})
}

func collectIdentityProviders(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := iam.NewFromConfig(s.AWS)
	var items []*inventory.Item
	saml, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-saml-providers", Permission: "iam:ListSAMLProviders"},
		func(ctx context.Context) (*iam.ListSAMLProvidersOutput, error) {
			return c.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
		})
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		s.Gap(TypeSAMLProvider, err)
	default:
		for _, p := range saml.SAMLProviderList {
			arn := aws.ToString(p.Arn)
			name := arn[strings.LastIndexByte(arn, '/')+1:]
			it := s.NewItem(TypeSAMLProvider, arn, name, arn, iamConfWith(p, map[string]any{"name": name}))
			if p.CreateDate != nil {
				t := p.CreateDate.UTC()
				it.ResourceCreationTime = &t
			}
			items = append(items, it)
		}
	}

	oidc, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-open-id-connect-providers", Permission: "iam:ListOpenIDConnectProviders"},
		func(ctx context.Context) (*iam.ListOpenIDConnectProvidersOutput, error) {
			return c.ListOpenIDConnectProviders(ctx, &iam.ListOpenIDConnectProvidersInput{})
		})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.Gap(TypeOIDCProvider, err)
		return items, nil
	}
	var providers []*inventory.Item
	for _, p := range oidc.OpenIDConnectProviderList {
		arn := aws.ToString(p.Arn)
		name := arn[strings.LastIndexByte(arn, '/')+1:]
		providers = append(providers, s.NewItem(TypeOIDCProvider, arn, name, arn, map[string]any{"arn": arn}))
	}
	err = inventory.ForEach(ctx, s, providers, func(ctx context.Context, it *inventory.Item) error {
		out, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "get-open-id-connect-provider", Resource: it.ARN, Permission: "iam:GetOpenIDConnectProvider"},
			func(ctx context.Context) (*iam.GetOpenIDConnectProviderOutput, error) {
				return c.GetOpenIDConnectProvider(ctx, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(it.ARN)})
			})
		if err != nil {
			return iamItemError(ctx, it, err)
		}
		it.Configuration = iamConfWith(out, map[string]any{"arn": it.ARN})
		if out.CreateDate != nil {
			t := out.CreateDate.UTC()
			it.ResourceCreationTime = &t
		}
		for _, t := range out.Tags {
			if it.Tags == nil {
				it.Tags = map[string]string{}
			}
			it.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return append(items, providers...), nil
}
