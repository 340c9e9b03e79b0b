package detect

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// eventFieldColumns maps the Go fields of vigil.Event and the structs in
// it to their cloudtrail columns. A name several structs share (ARN,
// Type, ...) maps to all their columns.
var eventFieldColumns = map[string][]string{
	"EventVersion": {"eventversion"}, "EventTime": {"eventtime"}, "EventSource": {"eventsource"},
	"EventName": {"eventname"}, "AWSRegion": {"awsregion"}, "SourceIPAddress": {"sourceipaddress"},
	"UserAgent": {"useragent"}, "ErrorCode": {"errorcode"}, "ErrorMessage": {"errormessage"},
	"RequestParameters": {"requestparameters"}, "ResponseElements": {"responseelements"},
	"AdditionalEventData": {"additionaleventdata"}, "RequestID": {"requestid"}, "EventID": {"eventid"},
	"ReadOnly": {"readonly"}, "Resources": {"resources"}, "EventType": {"eventtype"}, "APIVersion": {"apiversion"},
	"ManagementEvent": {"vigil_managementevent"}, "RecipientAccountID": {"recipientaccountid"},
	"ServiceEventDetails": {"serviceeventdetails"}, "SharedEventID": {"sharedeventid"},
	"VPCEndpointID": {"vpcendpointid"}, "VPCEndpointAccountID": {"vpcendpointaccountid"},
	"EventCategory": {"eventcategory"}, "Addendum": {"addendum"},
	"SessionCredentialFromConsole": {"sessioncredentialfromconsole"}, "EdgeDeviceDetails": {"edgedevicedetails"},
	"TLSDetails": {"tlsdetails"}, "InsightDetails": {"vigil_insightdetails"}, "Extra": {"vigil_extra"},
	"UserIdentity": {"useridentity.type"}, // the struct itself: reading it reads its fields
	"Type":         {"useridentity.type", "useridentity.sessioncontext.sessionissuer.type", "resources"},
	"PrincipalID":  {"useridentity.principalid", "useridentity.sessioncontext.sessionissuer.principalid"},
	"ARN":          {"useridentity.arn", "useridentity.sessioncontext.sessionissuer.arn", "resources"},
	"AccountID":    {"useridentity.accountid", "useridentity.sessioncontext.sessionissuer.accountid", "resources"},
	"InvokedBy":    {"useridentity.invokedby"}, "AccessKeyID": {"useridentity.accesskeyid"},
	"UserName":       {"useridentity.username", "useridentity.sessioncontext.sessionissuer.username"},
	"IdentityStore":  {"useridentity.onbehalfof.identitystorearn"},
	"OnBehalfOfUser": {"useridentity.onbehalfof.userid"},
	// Reading the session context's pointer: it exists when any of its
	// columns is present; the decoded ones decide.
	"SessionContext":      {"useridentity.sessioncontext.sessionissuer"},
	"MFAAuthenticated":    {"useridentity.sessioncontext.attributes.mfaauthenticated"},
	"CreationDate":        {"useridentity.sessioncontext.attributes.creationdate"},
	"SessionIssuer":       {"useridentity.sessioncontext.sessionissuer"},
	"EC2RoleDelivery":     {"useridentity.sessioncontext.ec2roledelivery"},
	"SourceIdentity":      {"useridentity.sessioncontext.sourceidentity"},
	"WebIDFederationData": {"useridentity.sessioncontext.webidfederationdata"},
	"FederatedProvider":   {"useridentity.sessioncontext.webidfederationdata.federatedprovider"},
	"Attributes":          {"useridentity.sessioncontext.webidfederationdata.attributes"},
	"Reason":              {"addendum.reason"}, "UpdatedFields": {"addendum.updatedfields"},
	"OriginalRequestID": {"addendum.originalrequestid"}, "OriginalEventID": {"addendum.originaleventid"},
	"TLSVersion": {"tlsdetails.tlsversion"}, "CipherSuite": {"tlsdetails.ciphersuite"},
	"ClientProvidedHostHeader": {"tlsdetails.clientprovidedhostheader"},
}

// TestEventColumns reads every non-test Go file of this package and its
// subpackages and checks that each event field a selector names has its
// column in EventColumns (by name: a selector .ARN on any value counts,
// which can only err on the safe side).
func TestEventColumns(t *testing.T) {
	// The map covers every field of the event's structs.
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct {
			return
		}
		for i := range rt.NumField() {
			f := rt.Field(i)
			if _, ok := eventFieldColumns[f.Name]; !ok {
				t.Errorf("vigil.%s.%s: not in eventFieldColumns", rt.Name(), f.Name)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[vigil.Event]())

	covered := func(col string) bool {
		return slices.ContainsFunc(EventColumns, func(c string) bool { return col == c || strings.HasPrefix(col, c+".") })
	}
	used := map[string]string{} // field -> where
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if strings.Contains(filepath.ToSlash(path), "detecttest/") { // test helpers
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if _, known := eventFieldColumns[sel.Sel.Name]; known {
					used[sel.Sel.Name] = fset.Position(sel.Pos()).String()
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 10 {
		t.Fatalf("found only %d event fields read: the walk is broken", len(used))
	}
	for name, where := range used {
		for _, col := range eventFieldColumns[name] {
			if !covered(col) {
				t.Errorf("%s reads .%s, but column %s is not in EventColumns", where, name, col)
			}
		}
	}
	for _, c := range EventColumns {
		if !slices.ContainsFunc(slices.Collect(mapValues(eventFieldColumns)), func(col string) bool {
			return col == c || strings.HasPrefix(col, c+".") || strings.HasPrefix(c, col+".")
		}) {
			t.Errorf("EventColumns names %s, which no event field maps to", c)
		}
	}
}

func mapValues(m map[string][]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, cols := range m {
			for _, c := range cols {
				if !yield(c) {
					return
				}
			}
		}
	}
}
