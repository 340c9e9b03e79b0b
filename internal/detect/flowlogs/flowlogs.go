// Package flowlogs holds the detections over VPC Flow Logs, one file each,
// named after the detection's ID with '.' as '_'
// (recon_ec2_portscan.go is recon.ec2_portscan). Each file registers its
// detection in init; All returns them. conn.go, window.go and sample.go
// hold what several detections share: reading a record as a connection
// of an instance (direction, initiator, public or private addressing),
// order-independent time windows, and owned copies of records for hits.
//
// Every stateful detection here folds records into its state in
// ObserveFlow and reports only in Flush, from minima, maxima, sets and
// counts keyed by record time: the findings are the same whatever order a
// day's records come in. State older than stateHorizon behind the latest
// record is dropped at Flush, and each state caps its number of keys, so
// memory is bounded.
package flowlogs

import (
	"slices"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
)

var all []*detect.Detection

func register(d *detect.Detection) { all = append(all, d) }

// All returns the package's detections.
func All() []*detect.Detection { return slices.Clone(all) }

// stateHorizon is how far behind the latest record windows are kept.
const stateHorizon = 48 * time.Hour

// maxKeys caps the keys (instance and peer) one detection's state holds;
// records of new keys beyond it are not counted (and logged nowhere: the
// cap is far above what a VPC's instances produce in stateHorizon).
const maxKeys = 200_000
