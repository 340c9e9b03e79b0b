// Package cloudtrail decodes CloudTrail logs into vigil.Event: the files
// CloudTrail delivers to S3 ({"Records":[...]}), bare JSON arrays, JSON
// lines, CloudWatch Logs exports and subscription messages, and the S3 key
// layouts (ParseKey) that name an object's account, region and delivery
// day. Digest files are recognised and reported with ErrDigest.
//
// The JSON decoding is written by hand rather than taken from a library
// because it is ingest's hot path and its contract is specific: a strict
// validator that streams one record at a time in constant memory, hands
// out substrings of one copy of the record instead of allocating per
// field, keeps nested JSON (requestParameters, ...) as its raw text the way
// Athena's table does, keeps unknown keys instead of dropping them, and
// tells a bad record (reported, reading goes on) from a broken input
// (sticky error). encoding/json is several times slower for this shape and
// cannot keep unknown keys without a second pass.
//
// Main types: Reader (a whole input), ParseEvent (one record), Key.
package cloudtrail
