// Package vigil is Vigil's vocabulary: the types every other package speaks
// (Event, ingest statistics, sentinel errors, log keys). It imports only the
// standard library so that parsers, the lake, detections and checks can all
// depend on it without depending on each other.
package vigil
