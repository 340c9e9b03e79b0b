// Package geotest writes small MaxMind-format databases for tests.
package geotest

import (
	"net"
	"os"
	"testing"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"

	"github.com/vigil-sec/vigil/internal/geo"
)

// Entry maps a CIDR block to what a database says about it.
type Entry struct {
	CIDR     string
	Location geo.Location
}

// Write writes a database of type dbType (e.g. "GeoLite2-City") holding
// the non-empty fields of each entry, in the GeoIP2 layout, to path.
// Documentation and private ranges are allowed.
func Write(t testing.TB, path, dbType string, entries ...Entry) {
	t.Helper()
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, IncludeReservedNetworks: true, RecordSize: 24})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		_, n, err := net.ParseCIDR(e.CIDR)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Insert(n, record(e.Location)); err != nil {
			t.Fatalf("insert %s: %v", e.CIDR, err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func record(l geo.Location) mmdbtype.Map {
	m := mmdbtype.Map{}
	if l.CountryCode != "" || l.CountryName != "" {
		c := mmdbtype.Map{}
		if l.CountryCode != "" {
			c["iso_code"] = mmdbtype.String(l.CountryCode)
		}
		if l.CountryName != "" {
			c["names"] = mmdbtype.Map{"en": mmdbtype.String(l.CountryName)}
		}
		m["country"] = c
	}
	if l.City != "" {
		m["city"] = mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(l.City)}}
	}
	if l.HasCoords {
		m["location"] = mmdbtype.Map{"latitude": mmdbtype.Float64(l.Lat), "longitude": mmdbtype.Float64(l.Lon)}
	}
	if l.ASN != 0 {
		m["autonomous_system_number"] = mmdbtype.Uint32(l.ASN)
	}
	if l.ASNOrg != "" {
		m["autonomous_system_organization"] = mmdbtype.String(l.ASNOrg)
	}
	if l.ISP != "" {
		m["isp"] = mmdbtype.String(l.ISP)
	}
	if l.Org != "" {
		m["organization"] = mmdbtype.String(l.Org)
	}
	return m
}
