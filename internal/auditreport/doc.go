// Package auditreport writes the reports of an organization-wide audit
// (`vigil audit`): one directory per run holding
//
//   - index.html: one self-contained page (inline CSS and JavaScript, no
//     network) with a summary per account, the failing controls, a severity
//     chart and a filterable, sortable table of every result;
//   - results.json, results.csv and summary.json for scripts and
//     spreadsheets (the CSV uses Prowler's column names);
//   - results.asff.json (AWS Security Finding Format, for Security Hub's
//     BatchImportFindings) and results.ocsf.json (OCSF Compliance Finding
//     events, class 2003);
//   - compliance/<framework>.csv: one row per framework control and account.
//
// The main types are Run (the input: accounts audited and their results)
// and the function Write. Output is deterministic: results are sorted and
// finding ids derive from content, so two writes of the same Run are
// byte-identical. Every file is readable by its owner only, and every
// free text that may carry an error message (reasons, account errors) goes
// through Redact so that AWS credentials never reach a report.
//
// The package does not evaluate checks (package compliance does) nor talk to
// AWS: sending the ASFF file to Security Hub is the caller's business.
package auditreport
