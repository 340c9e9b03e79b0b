// Package geo answers questions about IP addresses: where they are and
// which network runs them (DB, over MaxMind-format databases such as
// GeoLite2-City and GeoLite2-ASN), and whether they are on a list (List:
// threat lists, Tor exit-node lists, trusted-IP lists, read from plain
// files of addresses and CIDR blocks).
//
// It reads the files it is given and nothing else: no downloads, no
// network (WriteDB writes databases of made-up worlds, for the synthetic
// organization and tests). Detections get a *DB and Lists through detect.Context.
package geo
