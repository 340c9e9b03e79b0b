// Package ingest moves records from inputs into the lake: it finds input
// files, skips those already ingested, decodes them in parallel and writes
// them through lake transactions, so that every input's records land
// exactly once however often a run is interrupted and repeated. A corrupt
// input is reported and its records withheld; the other inputs go on.
package ingest
