package collect_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/account/types"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// TestAccountContactsMoto: moto has alternate contacts but not
// GetContactInformation (HTTP 404), which becomes a gap.
func TestAccountContactsMoto(t *testing.T) {
	t.Parallel()
	env := collecttest.New(t)
	_, err := account.NewFromConfig(env.Config).PutAlternateContact(t.Context(), &account.PutAlternateContactInput{
		AlternateContactType: types.AlternateContactTypeSecurity, EmailAddress: aws.String("security@example.com"),
		Name: aws.String("Sec Team"), PhoneNumber: aws.String("+15555550100"), Title: aws.String("CISO"),
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Proxy.Fail("POST /getAlternateContact", "AccessDenied", http.StatusForbidden, 1) // BILLING, asked first
	snap := env.Collect(t, []string{"us-east-1"}, "account-contacts")
	iamAssertDeclared(t, snap, "account-contacts")

	sec := iamItem(t, snap, collect.TypeAlternateContact, "SECURITY")
	if ok, _ := inventory.Bool(sec.Conf(), "exists"); !ok || inventory.Str(sec.Conf(), "emailAddress") != "security@example.com" || len(sec.Errors) != 0 {
		t.Errorf("SECURITY %s errors %+v", sec.Configuration, sec.Errors)
	}
	ops := iamItem(t, snap, collect.TypeAlternateContact, "OPERATIONS")
	if exists, ok := inventory.Bool(ops.Conf(), "exists"); !ok || exists {
		t.Errorf("OPERATIONS %s", ops.Configuration)
	}
	bill := iamItem(t, snap, collect.TypeAlternateContact, "BILLING")
	if len(bill.Errors) != 1 || bill.Errors[0].Permission != "account:GetAlternateContact" || !bill.Errors[0].Denied() || bill.Errors[0].Resource != "BILLING" {
		t.Errorf("BILLING errors %+v", bill.Errors)
	}
	if _, ok := inventory.Bool(bill.Conf(), "exists"); ok {
		t.Errorf("BILLING claims to know: %s", bill.Configuration)
	}
	if g := iamGapFor(snap, collect.TypeContactInformation); g == nil || g.Errors[0].Permission != "account:GetContactInformation" {
		t.Errorf("contact information gap %+v", g)
	}
}

// TestAccountContacts runs the collector on a fake of the Account API
// speaking its REST-JSON protocol.
func TestAccountContacts(t *testing.T) {
	t.Parallel()
	env := iamFakeEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/getContactInformation":
			w.Write([]byte(`{"ContactInformation":{"FullName":"Example Corp Ops","AddressLine1":"1 Main St","City":"Springfield","CountryCode":"US","PostalCode":"12345","PhoneNumber":"+15555550100","CompanyName":"Example Corp"}}`))
		case "/getAlternateContact":
			var in struct{ AlternateContactType string }
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
				t.Error(err)
			}
			if in.AlternateContactType != "SECURITY" {
				w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"message":"No contact of the inputted alternate contact type found."}`))
				return
			}
			w.Write([]byte(`{"AlternateContact":{"AlternateContactType":"SECURITY","EmailAddress":"sec@example.com","Name":"Sec","PhoneNumber":"+15555550101","Title":"SecOps"}}`))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	snap := env.Collect(t, []string{"us-east-1"}, "account-contacts")
	info := collecttest.Of(snap, collect.TypeContactInformation)
	if len(info) != 1 || inventory.Str(info[0].Conf(), "fullName") != "Example Corp Ops" || inventory.Str(info[0].Conf(), "countryCode") != "US" {
		t.Fatalf("contact information %v gaps %+v", info, collecttest.Gaps(snap))
	}
	if info[0].ResourceID != collecttest.Account || info[0].Region != inventory.GlobalRegion {
		t.Errorf("contact item %+v", info[0])
	}
	want := map[string]bool{"BILLING": false, "OPERATIONS": false, "SECURITY": true}
	for typ, exists := range want {
		it := iamItem(t, snap, collect.TypeAlternateContact, typ)
		if got, ok := inventory.Bool(it.Conf(), "exists"); !ok || got != exists || len(it.Errors) != 0 {
			t.Errorf("%s: %s errors %+v", typ, it.Configuration, it.Errors)
		}
	}
	if got := inventory.Str(iamItem(t, snap, collect.TypeAlternateContact, "SECURITY").Conf(), "emailAddress"); got != "sec@example.com" {
		t.Errorf("SECURITY email %q", got)
	}
}
