package geo

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/oschwald/maxminddb-golang/v2"
)

// Location is what the databases know about an address. Empty fields are
// unknown.
type Location struct {
	CountryCode string
	CountryName string
	City        string
	// ASN is the autonomous system number (0: unknown).
	ASN    uint32
	ASNOrg string
	ISP    string
	Org    string
	// HasCoords is set when Lat and Lon are known.
	HasCoords bool
	Lat, Lon  float64
}

// ASNString returns the ASN as GuardDuty writes it ("" when unknown).
func (l Location) ASNString() string {
	if l.ASN == 0 {
		return ""
	}
	return strconv.FormatUint(uint64(l.ASN), 10)
}

// DB looks addresses up in one or more MaxMind-format databases (for
// example GeoLite2-City for places and GeoLite2-ASN for networks); each
// answer merges what every database knows, the first database winning
// where two disagree. Safe for concurrent use. A nil *DB knows nothing.
type DB struct {
	readers []*maxminddb.Reader
	names   []string
}

// Open opens the MaxMind-format database files at paths.
func Open(paths ...string) (*DB, error) {
	db := &DB{}
	for _, p := range paths {
		r, err := maxminddb.Open(p)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open geoip database %s: %w", p, err)
		}
		db.readers = append(db.readers, r)
		db.names = append(db.names, r.Metadata.DatabaseType)
	}
	return db, nil
}

// Close releases the databases.
func (db *DB) Close() error {
	if db == nil {
		return nil
	}
	var errs []error
	for _, r := range db.readers {
		errs = append(errs, r.Close())
	}
	db.readers = nil
	return errors.Join(errs...)
}

// Types returns the database types opened (e.g. GeoLite2-City).
func (db *DB) Types() []string {
	if db == nil {
		return nil
	}
	return db.names
}

// record covers the fields of the City, Country, ASN and ISP databases.
type record struct {
	City struct {
		Names map[string]string `maxminddb:"names"`
	} `maxminddb:"city"`
	Country struct {
		ISOCode string            `maxminddb:"iso_code"`
		Names   map[string]string `maxminddb:"names"`
	} `maxminddb:"country"`
	Location struct {
		Latitude  *float64 `maxminddb:"latitude"`
		Longitude *float64 `maxminddb:"longitude"`
	} `maxminddb:"location"`
	ASN   uint32 `maxminddb:"autonomous_system_number"`
	ASOrg string `maxminddb:"autonomous_system_organization"`
	ISP   string `maxminddb:"isp"`
	Org   string `maxminddb:"organization"`
}

// Lookup returns what the databases know about a. ok is false when no
// database has the address (or a database is damaged there).
func (db *DB) Lookup(a netip.Addr) (loc Location, ok bool) {
	if db == nil || !a.IsValid() {
		return Location{}, false
	}
	a = a.Unmap()
	for _, r := range db.readers {
		res := r.Lookup(a)
		if !res.Found() {
			continue
		}
		var rec record
		if err := res.Decode(&rec); err != nil {
			continue
		}
		ok = true
		set := func(dst *string, v string) {
			if *dst == "" {
				*dst = v
			}
		}
		set(&loc.CountryCode, rec.Country.ISOCode)
		set(&loc.CountryName, rec.Country.Names["en"])
		set(&loc.City, rec.City.Names["en"])
		set(&loc.ASNOrg, rec.ASOrg)
		set(&loc.ISP, rec.ISP)
		set(&loc.Org, rec.Org)
		if loc.ASN == 0 {
			loc.ASN = rec.ASN
		}
		if !loc.HasCoords && rec.Location.Latitude != nil && rec.Location.Longitude != nil {
			loc.HasCoords, loc.Lat, loc.Lon = true, *rec.Location.Latitude, *rec.Location.Longitude
		}
	}
	return loc, ok
}
