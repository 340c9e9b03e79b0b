// Package lake stores Vigil's tables as Hive-partitioned Parquet under one
// directory and queries them with embedded DuckDB. It is the only package
// that imports DuckDB and the only one that writes Parquet (flowlogs reads
// flow logs AWS delivers as Parquet).
//
// Layout:
//
//	<lake>/cloudtrail/account=<id>/region=<r>/date=YYYY-MM-DD/<tx>-<n>.parquet
//	<lake>/_vigil/lock               one writer at a time (flock)
//	<lake>/_vigil/journal/<tx>.json  committed transactions not yet applied
//	<lake>/_vigil/staging/<tx>/      files of open transactions
//	<lake>/_vigil/sources.log        inputs already ingested, one per line
//
// Writes are transactions: files are written to staging, then a journal
// record naming the files and the inputs they came from is made durable
// (the commit point), then files move into place and the inputs are
// appended to sources.log. Opening the lake for writing replays committed
// journals and discards uncommitted staging, so a run killed at any moment
// and re-run leaves every input's records exactly once. Readers glob only
// the table directories, which hold committed data alone.
//
// The Parquet writer is hand-tuned (dictionary-encoded low-cardinality
// columns, zstd, bounded row groups) because encoding is the ingest hot
// path; compaction and queries are DuckDB's.
package lake
