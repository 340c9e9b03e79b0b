package geo_test

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/geo/geotest"
)

func TestDBLookup(t *testing.T) {
	dir := t.TempDir()
	city, asn := filepath.Join(dir, "city.mmdb"), filepath.Join(dir, "asn.mmdb")
	geotest.Write(t, city, "GeoLite2-City",
		geotest.Entry{CIDR: "198.51.100.0/24", Location: geo.Location{CountryCode: "NL", CountryName: "Netherlands", City: "Amsterdam", HasCoords: true, Lat: 52.37, Lon: 4.89}},
		geotest.Entry{CIDR: "2001:db8::/32", Location: geo.Location{CountryCode: "DE", CountryName: "Germany"}},
	)
	geotest.Write(t, asn, "GeoLite2-ASN",
		geotest.Entry{CIDR: "198.51.100.0/25", Location: geo.Location{ASN: 64500, ASNOrg: "Example Hosting"}},
		geotest.Entry{CIDR: "203.0.113.0/24", Location: geo.Location{ASN: 64501, ASNOrg: "Other Net", ISP: "Other ISP", Org: "Other Org"}},
	)
	db, err := geo.Open(city, asn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if diff := cmp.Diff([]string{"GeoLite2-City", "GeoLite2-ASN"}, db.Types()); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		ip     string
		want   geo.Location
		wantOK bool
	}{
		{"198.51.100.7", geo.Location{CountryCode: "NL", CountryName: "Netherlands", City: "Amsterdam", HasCoords: true, Lat: 52.37, Lon: 4.89, ASN: 64500, ASNOrg: "Example Hosting"}, true},
		{"198.51.100.200", geo.Location{CountryCode: "NL", CountryName: "Netherlands", City: "Amsterdam", HasCoords: true, Lat: 52.37, Lon: 4.89}, true},
		{"::ffff:198.51.100.7", geo.Location{CountryCode: "NL", CountryName: "Netherlands", City: "Amsterdam", HasCoords: true, Lat: 52.37, Lon: 4.89, ASN: 64500, ASNOrg: "Example Hosting"}, true},
		{"203.0.113.9", geo.Location{ASN: 64501, ASNOrg: "Other Net", ISP: "Other ISP", Org: "Other Org"}, true},
		{"2001:db8::1", geo.Location{CountryCode: "DE", CountryName: "Germany"}, true},
		{"192.0.2.1", geo.Location{}, false},
	} {
		got, ok := db.Lookup(netip.MustParseAddr(tc.ip))
		if ok != tc.wantOK {
			t.Errorf("%s: ok = %v", tc.ip, ok)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.ip, diff)
		}
	}
	if got, _ := db.Lookup(netip.MustParseAddr("203.0.113.9")); got.ASNString() != "64501" {
		t.Errorf("ASNString = %q", got.ASNString())
	}
	var none *geo.DB
	if _, ok := none.Lookup(netip.MustParseAddr("198.51.100.7")); ok {
		t.Error("nil DB found an address")
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := geo.Open(filepath.Join(t.TempDir(), "missing.mmdb")); err == nil {
		t.Error("missing file opened")
	}
}
