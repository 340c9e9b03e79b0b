package collect_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestOrganizationsFeatures(t *testing.T) {
	t.Parallel()
	const ok = `<ListOrganizationsFeaturesResponse><ListOrganizationsFeaturesResult><OrganizationId>o-abc123</OrganizationId><EnabledFeatures><member>RootCredentialsManagement</member><member>RootSessions</member></EnabledFeatures></ListOrganizationsFeaturesResult></ListOrganizationsFeaturesResponse>`
	errorXML := func(code string) string {
		return fmt.Sprintf(`<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>about %s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code, code)
	}
	for _, tc := range []struct {
		name        string
		status      int
		body        string
		features    []string
		unavailable string
		gapCode     string
	}{
		{"enabled", http.StatusOK, ok, []string{"RootCredentialsManagement", "RootSessions"}, "", ""},
		{"not in an organization", http.StatusBadRequest, errorXML("OrganizationNotFoundException"), nil, "OrganizationNotFoundException", ""},
		{"member account", http.StatusBadRequest, errorXML("AccountNotManagementOrDelegatedAdministratorException"), nil, "AccountNotManagementOrDelegatedAdministratorException", ""},
		{"denied", http.StatusForbidden, errorXML("AccessDenied"), nil, "", "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := iamFakeEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := r.ParseForm(); err != nil {
					t.Error(err)
				}
				w.Header().Set("Content-Type", "text/xml")
				if r.PostForm.Get("Action") != "ListOrganizationsFeatures" {
					w.WriteHeader(http.StatusBadRequest)
					return
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			snap := env.Collect(t, []string{"us-east-1"}, "iam-organizations-features")
			iamAssertDeclared(t, snap, "iam-organizations-features")
			items := collecttest.Of(snap, collect.TypeOrganizationsFeatures)
			if tc.gapCode != "" {
				if g := iamGapFor(snap, collect.TypeOrganizationsFeatures); len(items) != 0 || g == nil || g.Errors[0].Code != tc.gapCode {
					t.Fatalf("items %v gap %+v", items, g)
				}
				return
			}
			if len(items) != 1 {
				t.Fatalf("items %v gaps %+v", items, collecttest.Gaps(snap))
			}
			conf := items[0].Conf()
			var features []string
			for _, f := range inventory.List(conf, "enabledFeatures") {
				features = append(features, f.(string))
			}
			if !slices.Equal(features, tc.features) || inventory.Str(conf, "unavailable") != tc.unavailable {
				t.Errorf("configuration %s", items[0].Configuration)
			}
		})
	}
}

// TestOrganizationsFeaturesMoto: moto does not implement the call; the
// collection records a gap rather than failing.
func TestOrganizationsFeaturesMoto(t *testing.T) {
	t.Parallel()
	env := collecttest.New(t)
	snap := env.Collect(t, []string{"us-east-1"}, "iam-organizations-features")
	g := iamGapFor(snap, collect.TypeOrganizationsFeatures)
	if g == nil || g.Errors[0].Permission != "iam:ListOrganizationsFeatures" {
		t.Fatalf("gap %+v, items %v", g, collecttest.Of(snap, collect.TypeOrganizationsFeatures))
	}
	t.Logf("moto answers: %s", g.Errors[0].Reason())
}
