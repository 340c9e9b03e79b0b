package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_check_saml_providers_sts",
		Title: "The account federates identities through a SAML provider",
		Description: "Managing people centrally (an identity provider federated over SAML, such as IAM Identity Center or a corporate IdP) " +
			"instead of IAM users in each account keeps joiners and leavers in one place. Passes when IAM has a SAML provider.",
		Service:      "iam",
		Severity:     compliance.Low,
		ResourceType: collect.TypeSAMLProvider,
		Remediation:  "Enable IAM Identity Center in the organization (it creates the SAML provider in each account) or aws iam create-saml-provider --name <idp> --saml-metadata-document file://metadata.xml",
		Eval: func(a *compliance.Account) []compliance.Result {
			if g := a.Gap("", collect.TypeSAMLProvider); g != nil {
				return []compliance.Result{compliance.GapResult(inventory.GlobalRegion, collect.TypeSAMLProvider, g)}
			}
			providers := a.Items(collect.TypeSAMLProvider)
			if len(providers) == 0 {
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeSAMLProvider, compliance.Fail, "IAM has no SAML provider: people sign in as IAM users rather than through federation")}
			}
			var out []compliance.Result
			for _, p := range providers {
				out = append(out, compliance.PassFor(p, "SAML provider %s federates sign-in", iamName(p, "name")))
			}
			return out
		},
	})
}
