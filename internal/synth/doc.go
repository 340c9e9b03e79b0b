// Package synth generates a synthetic AWS organization's CloudTrail logs:
// realistic multi-account, multi-region records written in the exact S3
// delivery layout of a central CloudTrail bucket, so that ingest, the lake,
// detections, the demo and benchmarks have data that looks like the real
// thing without an AWS account.
//
// Output is a pure function of Options: the same options give byte-identical
// files, whatever the number of CPUs. Work is split into units (one account,
// region and day); each unit draws from its own PCG seeded from Options.Seed
// and the unit's coordinates, so scheduling never changes the output. No
// clock is read: the caller passes Options.Start.
//
// Layout (see
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html):
//
//	AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 alnum>.json.gz
//	AWSLogs/[<org-id>/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHmmssZ>.json.gz
//
// Each log file holds {"Records":[...]} in CloudTrail's compact JSON. The
// file name's timestamp is the start of the 5-minute window its records fall
// in; busy units get several files per window, as busy accounts do.
//
// The mix is mostly routine read-only traffic (EC2 Describe*, S3 data and
// management events, STS, KMS, Lambda, DynamoDB, CloudWatch, SSM), AWS
// service events, console activity, and a few percent of AccessDenied
// failures. On top of that every account gets planned security-relevant
// events (root activity, logins without MFA, failed logins, admin role
// logins, CloudTrail tampering, IAM, security group, S3 policy and KMS
// changes, GetPasswordData, Insight and VPC endpoint events, a ~50 KB
// request and Unicode values), and one account gets a small attack story
// from an unknown IP address. Plan lists every planned record with its time,
// so tests and the demo can check what an investigation must find.
//
// Options.Scenarios replaces the planned records with benign noise and one
// labelled attack scenario per finding type Vigil detects
// (ScenariosLabelled), or with the noise alone (ScenariosBenign); the
// ground truth (Labels: each scenario's finding types, account, eventIDs
// and flow keys) and the detection context of that world (threat list, Tor
// exit list, GeoIP database) go to Dir/labels/, and Labels.Score compares a
// run's findings with them (see scenario.go, noise.go, score.go).
//
// VPC Flow Logs are generated too (see flow.go). What synth does not do:
// Config items (not yet), valid digest
// signatures (signatures and previous-digest hashes are random hex; log file
// hashes are the real SHA-256 of each file's uncompressed bytes), and
// CloudTrail Insight delivery under its own CloudTrail-Insight/ prefix
// (Insight records are mixed into the ordinary log files instead).
//
// Main entry points: Generate, Plan, FlowPlan, Accounts, Options, Stats,
// ReadLabels and Labels.Score.
package synth
