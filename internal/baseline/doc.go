// Package baseline renders, deploys and verifies the multi-account security
// baseline Vigil comes from: GuardDuty and AWS Config in every account and
// region, CloudTrail and VPC Flow Logs into central buckets and CloudWatch
// Logs, Athena tables and saved queries over the buckets, and an audit role
// in every account.
//
// Render turns Options into StackSets: one commented CloudFormation template
// (YAML) and one parameters file (JSON) each, plus the account × region
// instances each one needs. The audit role's permissions are derived at run
// time from what Vigil's collectors declare (inventory.Permissions) and what
// Status calls (StatusPermissions); AuditPolicy prints them as one policy.
//
// Deploy creates or updates the StackSets and their instances through the
// CloudFormation StackSets API (self-managed permissions), one operation at a
// time, waits for each, and reports the status of every instance. It compares
// the deployed template, parameters and instances with the rendered ones
// first, so a second run changes nothing; DryRun stops after that comparison.
//
// Status does not trust CloudFormation: it asks each service, in every account
// and region, whether its control is really on (GuardDuty detector enabled and
// publishing to its administrator, Config recorder recording and delivering,
// a trail logging with log file validation, a flow log on every VPC, the audit
// role assumable) and returns a Matrix, which WriteStatus stores in the lake.
//
// The package does not choose credentials: callers pass an aws.Config whose
// credentials act in the StackSets' administrator account (Deploy) or the main
// account (Status, which assumes a role in every account).
package baseline
