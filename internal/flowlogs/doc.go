// Package flowlogs reads AWS VPC Flow Logs into vigil.FlowRecord values.
//
// It understands:
//   - text log files as VPC Flow Logs delivers them to S3: a header line
//     naming the fields, then one space-separated record per line, '-' for a
//     field that does not apply (read as NULL);
//   - the default (version 2) format and custom formats of versions 2 to 8,
//     fields in any order and any subset, from the header or, for inputs
//     without one (CloudWatch Logs streams and exports), from a format given
//     by the caller, in the header form or the --log-format form
//     ("${version} ${account-id} ...");
//   - CloudWatch Logs exports, whose lines start with an ISO-8601 timestamp;
//   - Parquet log files (ReadParquet);
//   - S3 keys in the delivery layouts, plain and Hive-compatible, daily and
//     hourly (ParseKey), and partitions derived from records (RecordPartition).
//
// Transit Gateway Flow Logs (resource-type, tgw-*, packets-lost-* fields)
// are read like VPC Flow Logs: they share the S3 layout and the format
// rules. It does not decompress (the caller does) or store anything.
//
// Main types: Reader (streaming text reader, constant memory) and Key.
//
// See https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
// and https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html.
package flowlogs
