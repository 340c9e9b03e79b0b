package collect_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

const samlMetadata = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"></md:IDPSSODescriptor></md:EntityDescriptor>`

func TestIdentityProviders(t *testing.T) {
	t.Parallel()
	env := collecttest.New(t)
	c := iam.NewFromConfig(env.Config)
	if _, err := c.CreateSAMLProvider(t.Context(), &iam.CreateSAMLProviderInput{Name: aws.String("corp-idp"), SAMLMetadataDocument: aws.String(samlMetadata)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateOpenIDConnectProvider(t.Context(), &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String("https://token.actions.githubusercontent.com"), ClientIDList: []string{"sts.amazonaws.com"},
		ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"},
	}); err != nil {
		t.Fatal(err)
	}

	snap := env.Collect(t, []string{"us-east-1"}, "iam-identity-providers")
	iamAssertDeclared(t, snap, "iam-identity-providers")
	saml := iamItem(t, snap, collect.TypeSAMLProvider, "corp-idp")
	if saml.ARN != "arn:aws:iam::123456789012:saml-provider/corp-idp" || inventory.Str(saml.Conf(), "name") != "corp-idp" || inventory.Str(saml.Conf(), "arn") != saml.ARN {
		t.Errorf("SAML item %+v %s", saml, saml.Configuration)
	}
	oidc := iamItem(t, snap, collect.TypeOIDCProvider, "token.actions.githubusercontent.com")
	conf := oidc.Conf()
	if inventory.Str(conf, "arn") != oidc.ARN || !slices.Contains(inventory.List(conf, "clientIDList"), any("sts.amazonaws.com")) || len(inventory.List(conf, "thumbprintList")) != 1 {
		t.Errorf("OIDC configuration %s", oidc.Configuration)
	}

	// Per-provider call denied: the provider stays, with the error; SAML
	// listing denied: a gap for SAML only.
	env.Proxy.Fail("GetOpenIDConnectProvider", "AccessDenied", http.StatusForbidden, -1)
	env.Proxy.Fail("ListSAMLProviders", "AccessDenied", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "iam-identity-providers")
	oidc = iamItem(t, snap, collect.TypeOIDCProvider, "token.actions.githubusercontent.com")
	if len(oidc.Errors) != 1 || oidc.Errors[0].Permission != "iam:GetOpenIDConnectProvider" || oidc.Errors[0].Resource != oidc.ARN {
		t.Errorf("OIDC errors %+v", oidc.Errors)
	}
	if g := iamGapFor(snap, collect.TypeSAMLProvider); g == nil || g.Errors[0].Permission != "iam:ListSAMLProviders" {
		t.Errorf("SAML gap %+v", g)
	}
	if g := iamGapFor(snap, collect.TypeOIDCProvider); g != nil {
		t.Errorf("OIDC gap %+v", g)
	}
}
