// Package queries holds Vigil's saved queries: investigations a responder runs
// first (root activity, console logins without MFA, CloudTrail tampering, what
// an access key or an IP address did...), one embedded sql/<Name>.sql file each.
//
// Queries are written in Athena's Trino SQL over the auditing.cloudtrail table
// (lower-case columns, JSON text columns read with json_extract_scalar, the
// 'YYYY-MM-DD' date partition compared as a string), so the same text runs on
// Athena and, through the lake package's Trino compatibility layer, on the
// embedded DuckDB. Every query limits its time range with a date predicate so
// that partitions are pruned.
//
// A file starts with a header of SQL comments:
//
//	-- name: IPActivity
//	-- description: Every call made from a source IP address.
//	-- param: ip  Source IP address, exactly as CloudTrail records it.
//	-- param: days = 30  Days of delivery-date partitions to read.
//
// The name equals the file's base name. A parameter is written {{name}} in
// the SQL; Query.Bind substitutes it as a quoted SQL string literal, which is
// also what Trino's interval '30' day syntax wants. A parameter without a
// default is required.
//
// The package does not run queries: lake does. Main types: Query, Param.
package queries
