// Package triage keeps what analysts decide about findings, beside the
// findings snapshot that every detection run rewrites: findings archived
// or unarchived by hand, and suppression rules (GuardDuty's: findings they
// match are archived). Both live in one file of the lake,
// <lake>/_vigil/console/triage.json, written by the web console and read
// by every command that lists findings.
//
// A finding is archived when a decision says so; without a decision, when
// detection archived it or a rule matches it. Rules thus also archive the
// findings that existed before the rule, and the findings detection
// creates later (once vigil detect passes Rules to the engine).
package triage
