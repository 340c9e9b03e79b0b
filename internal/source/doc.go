// Package source says where input bytes come from: local files and
// folders, S3 buckets, CloudWatch Logs, and S3 event notifications on an
// SQS queue. Each source lists Objects, which
// ingest opens, decodes and records by key; sources know nothing of
// formats or of the lake.
package source
