// Package bench measures Vigil against a baseline run on the same data in
// the same process tree: Vigil's ingest against DuckDB's own read_json →
// COPY, and query latency on the resulting lake. Each ingest runs in its
// own child process so that its peak memory is its own.
package bench
