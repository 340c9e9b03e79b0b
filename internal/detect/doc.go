// Package detect is Vigil's threat-detection engine: GuardDuty's finding
// types (and Vigil's own) over CloudTrail events and VPC flow-log records,
// with findings in GuardDuty's JSON shape plus the evidence that proves
// them.
//
// Detections are values (Detection), one file each, registered by their
// package (detect/cloudtrail, ...) and collected by detect/catalog into a
// Registry. A single-record detection has a pure Match function: no clock,
// no I/O, no globals, time comes from the record. A detection that needs
// history (baselines, windows, counts) implements Stateful; its state is
// marshalled through a StateStore the caller provides (the lake keeps it in
// <lake>/_vigil/detect/state.json). Detections that read the same history
// share one model (Detection.Model): the engine feeds it each record once
// and routes its hits to the member detections (the eight AnomalousBehavior
// types share the per-principal model, the InstanceCredentialExfiltration
// pair its per-role networks).
//
// Port-probe hits (Hit.Probe) render as GuardDuty's PORT_PROBE action, its
// portProbeDetails listing each probing address and port.
//
// The Engine feeds records to detections and aggregates their hits into
// findings exactly as GuardDuty does: the same type, resource and actor
// update one finding (count, eventLastSeen, updatedAt) instead of creating
// another. Counts are of distinct records, so feeding the same records
// twice (a retro-hunt re-run, or inline detection followed by a retro-hunt)
// changes nothing. The same engine serves `vigil ingest` (inline) and
// `vigil detect` (over the lake).
//
// Context carries what detections share: the classifier of AWS's own
// traffic (AWSInternal; no detection sees those events), GeoIP/ASN lookup,
// threat, Tor and trusted-IP lists, the organization's accounts and
// suppression rules.
//
// The package reads no files and calls no external system: the caller
// opens databases and lists (package geo) and persists findings and state
// (package lake).
package detect
