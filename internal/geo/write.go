package geo

import (
	"fmt"
	"net"
	"os"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// Range maps a CIDR block to what a database says about it.
type Range struct {
	CIDR     string
	Location Location
}

// WriteDB writes a MaxMind-format database of type dbType (for example
// "GeoLite2-City") holding the non-empty fields of each range, in the
// GeoIP2 layout that Open reads, to path. Documentation and private
// ranges are allowed. It serves made-up worlds (the synthetic
// organization's, tests'); real deployments use MaxMind's files.
func WriteDB(path, dbType string, ranges []Range) error {
	w, err := mmdbwriter.New(mmdbwriter.Options{DatabaseType: dbType, IncludeReservedNetworks: true, RecordSize: 24})
	if err != nil {
		return fmt.Errorf("geoip database %s: %w", path, err)
	}
	for _, r := range ranges {
		_, n, err := net.ParseCIDR(r.CIDR)
		if err != nil {
			return fmt.Errorf("geoip database %s: range %q: %w", path, r.CIDR, err)
		}
		if err := w.Insert(n, mmdbRecord(r.Location)); err != nil {
			return fmt.Errorf("geoip database %s: insert %s: %w", path, r.CIDR, err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("geoip database: %w", err)
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("write geoip database %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write geoip database %s: %w", path, err)
	}
	return nil
}

func mmdbRecord(l Location) mmdbtype.Map {
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
