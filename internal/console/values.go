package console

import "github.com/vigil-sec/vigil/internal/report"

// cellText renders a query value for a table cell or CSV, as vigil query
// does: NULL is empty, nested values (structs, lists, maps) are JSON.
func cellText(v any) string { return report.Text(v) }

// jsonValue converts a query value into what encoding/json renders well.
func jsonValue(v any) any { return report.JSONValue(v) }

// csvSafe defuses a text cell that a spreadsheet would run as a formula;
// numbers (a negative count) are left alone.
func csvSafe(v any, s string) string {
	if _, isText := v.(string); !isText {
		return s
	}
	return report.DefuseFormula(s)
}
