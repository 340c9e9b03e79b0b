// Package collect holds Vigil's collectors: one file per service or
// resource family, each registering an inventory.Collector in init. They
// call AWS only through inventory.Call (so a collection can be recorded
// and replayed) and emit configuration items in AWS Config's shape: for the
// resource types Config records, the same configuration and
// supplementaryConfiguration keys Config uses; for account settings Config
// does not record (password policy, credential report, EBS default
// encryption, …) a type in the AWS:: namespace named after the
// CloudFormation or API resource, documented in docs/inventory.md.
//
// Import it for its side effects: _ "github.com/vigil-sec/vigil/internal/collect".
package collect
