// Package compliance evaluates checks over configuration items: CIS AWS
// Foundations controls and AWS Config-style rules. Each check is one file
// with its metadata (id, title, severity, resource type, remediation) and
// an Eval function over one account's snapshot; which framework controls a
// check serves is data (frameworks.json), so one check serves many
// frameworks.
//
// Results are PASS, FAIL, NOT_APPLICABLE, ERROR (with the reason, e.g. the
// missing permission that kept the data from being collected) or MANUAL.
// A check never answers PASS for data it does not have.
package compliance
