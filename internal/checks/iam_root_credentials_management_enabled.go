package checks

import (
	"slices"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_root_credentials_management_enabled",
		Title: "The organization manages member accounts' root credentials centrally",
		Description: "With IAM's centralized root access (RootCredentialsManagement) member accounts need no root password, keys or MFA " +
			"of their own, and privileged root tasks run as short sessions from the management account. Read from iam:ListOrganizationsFeatures; " +
			"a member account cannot see the setting and gets MANUAL.",
		Service:      "iam",
		Severity:     compliance.High,
		ResourceType: collect.TypeOrganizationsFeatures,
		Remediation:  "In the management account: aws organizations enable-aws-service-access --service-principal iam.amazonaws.com && aws iam enable-organizations-root-credentials-management (and enable-organizations-root-sessions)",
		Eval: func(a *compliance.Account) []compliance.Result {
			it := a.One(collect.TypeOrganizationsFeatures)
			if it == nil {
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeOrganizationsFeatures, compliance.Error, "%s",
					iamGapReason(a, collect.TypeOrganizationsFeatures, "IAM's organization features"))}
			}
			conf := it.Conf()
			switch inventory.Str(conf, "unavailable") {
			case "":
			case "OrganizationNotFoundException":
				return []compliance.Result{compliance.NAFor(it, "the account is not in an AWS Organization")}
			case "AccountNotManagementOrDelegatedAdministratorException":
				return []compliance.Result{iamResult(it, compliance.Manual, "this member account cannot read the setting: check it in the management account or IAM's delegated administrator")}
			case "ServiceAccessNotEnabledException":
				return []compliance.Result{compliance.FailFor(it, "trusted access for IAM is not enabled in the organization, so root credentials are not managed centrally")}
			default:
				return []compliance.Result{compliance.FailFor(it, "IAM cannot manage root credentials centrally: %s", inventory.Str(conf, "unavailable"))}
			}
			var features []string
			for _, f := range inventory.List(conf, "enabledFeatures") {
				if s, ok := f.(string); ok {
					features = append(features, s)
				}
			}
			if !slices.Contains(features, "RootCredentialsManagement") {
				return []compliance.Result{compliance.FailFor(it, "centralized root credentials management is not enabled (enabled features: %v)", features)}
			}
			return []compliance.Result{compliance.PassFor(it, "centralized root access is enabled (features: %v)", features)}
		},
	})
}
