package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCheckSAMLProvidersSTS(t *testing.T) {
	const typ = collect.TypeSAMLProvider
	arn := "arn:aws:iam::" + testAccount + ":saml-provider/AWSSSO_0123abcd_DO_NOT_DELETE"
	runCases(t, "iam_check_saml_providers_sts", []checkCase{
		{"provider passes", []*inventory.Item{iamAt(typ, arn, arn, `{"arn":"`+arn+`","name":"AWSSSO_0123abcd_DO_NOT_DELETE","validUntil":"2126-01-01T00:00:00Z"}`, nil)},
			[]want{{compliance.Pass, arn, "SAML provider AWSSSO_0123abcd_DO_NOT_DELETE"}}},
		{"API spelling", []*inventory.Item{iamAt(typ, arn, arn, `{"Arn":"`+arn+`","Name":"corp"}`, nil)},
			[]want{{compliance.Pass, arn, "corp"}}},
		{"none fails", []*inventory.Item{iamAt(collect.TypeOIDCProvider, "x", "", `{"url":"token.actions.githubusercontent.com"}`, nil)},
			[]want{{compliance.Fail, "", "no SAML provider"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:ListSAMLProviders", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:ListSAMLProviders"}}},
	})
}
