// Package geotest writes small MaxMind-format databases for tests.
package geotest

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/geo"
)

// Entry maps a CIDR block to what a database says about it.
type Entry = geo.Range

// Write writes a database of type dbType (e.g. "GeoLite2-City") holding
// the non-empty fields of each entry, in the GeoIP2 layout, to path.
// Documentation and private ranges are allowed.
func Write(t testing.TB, path, dbType string, entries ...Entry) {
	t.Helper()
	if err := geo.WriteDB(path, dbType, entries); err != nil {
		t.Fatal(err)
	}
}
