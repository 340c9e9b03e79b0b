// Package checks holds Vigil's compliance checks, one file per check, each
// registering a compliance.Check in init with a table-driven test beside
// it. Framework mappings (CIS AWS Foundations, Config managed rules) live
// in internal/compliance/frameworks.json, not here.
//
// Import it for its side effects: _ "github.com/vigil-sec/vigil/internal/checks".
package checks
