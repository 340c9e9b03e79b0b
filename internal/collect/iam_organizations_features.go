package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeOrganizationsFeatures is IAM's centralized root access settings for
// the organization (iam:ListOrganizationsFeatures), one item per account
// (resourceId the account id). Config does not record it. Its
// configuration is {"organizationId": "o-…", "enabledFeatures":
// ["RootCredentialsManagement", "RootSessions"]}, or, when IAM answers
// that the question does not apply to this account, {"unavailable":
// <code>, "message": <IAM's message>} with code
// OrganizationNotFoundException (not in an organization),
// OrganizationNotInAllFeaturesModeException,
// ServiceAccessNotEnabledException (IAM's trusted access is off, so the
// features are off) or AccountNotManagementOrDelegatedAdministratorException
// (a member account cannot see the settings).
const TypeOrganizationsFeatures = "AWS::IAM::OrganizationsFeatures"

// orgFeatureAnswers are the error codes that answer the question rather
// than fail it.
var orgFeatureAnswers = []string{
	"OrganizationNotFoundException",
	"OrganizationNotInAllFeaturesModeException",
	"ServiceAccessNotEnabledException",
	"AccountNotManagementOrDelegatedAdministratorException",
}

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "iam-organizations-features",
		Global:        true,
		ResourceTypes: []string{TypeOrganizationsFeatures},
		Permissions:   []string{"iam:ListOrganizationsFeatures"},
		Collect:       collectOrganizationsFeatures,
	})
}

func collectOrganizationsFeatures(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "list-organizations-features"},
		func(ctx context.Context) (*iam.ListOrganizationsFeaturesOutput, error) {
			return iam.NewFromConfig(s.AWS).ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
		})
	var conf any
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case inventory.IsCode(err, orgFeatureAnswers...):
		m := map[string]any{"unavailable": inventory.ErrorCode(err)}
		if ce, ok := err.(*inventory.CallError); ok && ce.Message != "" {
			m["message"] = ce.Message
		}
		conf = m
	case err != nil:
		s.Gap(TypeOrganizationsFeatures, err)
		return nil, nil
	default:
		features := []string{}
		for _, f := range out.EnabledFeatures {
			features = append(features, string(f))
		}
		m := map[string]any{"enabledFeatures": features}
		if out.OrganizationId != nil {
			m["organizationId"] = *out.OrganizationId
		}
		conf = m
	}
	return []*inventory.Item{s.NewItem(TypeOrganizationsFeatures, s.Account, "organizations-features", "", conf)}, nil
}
