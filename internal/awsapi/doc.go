// Package awsapi builds AWS SDK v2 configuration and clients for Vigil: the
// standard credential chain (environment, shared config and SSO profiles,
// IMDS), an optional endpoint override for S3-compatible stores and local
// fakes, and retries with client-side rate adaptation so that throttling
// (ThrottlingException, SlowDown, RequestLimitExceeded, HTTP 503) slows
// Vigil down instead of failing a run.
//
// It is the only package that imports the SDK's config module. Other
// packages receive an aws.Config or a service client built here. It does
// not assume roles across accounts or fan out over regions (yet), and it
// never logs credentials.
//
// Main entry points: Config, S3Client, CloudWatchLogsClient, SQSClient.
package awsapi
