package auditreport

import (
	"encoding/csv"
	queryreport "github.com/vigil-sec/vigil/internal/report"
	"io"
	"time"
)

// csvColumns are results.csv's columns: Prowler's names, so that tools
// reading Prowler's CSV read ours.
var csvColumns = []string{
	"ASSESSMENT_START_TIME", "TIMESTAMP", "FINDING_UID", "PROVIDER",
	"ACCOUNT_UID", "ACCOUNT_NAME", "ACCOUNT_ORGANIZATION_UID", "PARTITION", "REGION",
	"CHECK_ID", "CHECK_TITLE", "SERVICE_NAME", "SEVERITY", "STATUS", "STATUS_EXTENDED",
	"MUTED", "MUTE_REASON", "RESOURCE_UID", "RESOURCE_NAME", "RESOURCE_TYPE", "RESOURCE_TAGS",
	"DESCRIPTION", "COMPLIANCE", "REMEDIATION_RECOMMENDATION_TEXT", "TOOL_VERSION",
}

func (rep *report) writeCSV(w io.Writer) error {
	cw := newCSV(w)
	if err := cw.Write(csvColumns); err != nil {
		return err
	}
	start := rep.run.Started.UTC().Format(time.RFC3339)
	version := toolName(rep.run) + " " + rep.run.Version
	for i := range rep.rows {
		r := &rep.rows[i]
		uid := r.ResourceARN
		if uid == "" {
			uid = r.ResourceID
		}
		muted := "False"
		if r.Muted {
			muted = "True"
		}
		err := cw.Write([]string{
			start, r.Time.Format(time.RFC3339), r.FindingID, "aws",
			r.Account, r.AccountName, rep.run.Org, r.Partition, r.Region,
			r.CheckID, r.Title, r.Service, string(r.Severity), string(r.Status), r.Reason,
			muted, r.MuteReason, uid, r.ResourceID, r.ResourceType, tagText(r.Tags),
			r.Description, r.FrameworkText, r.Remediation, version,
		})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCSV is a CSV writer that defuses formulas: a cell starting with
// = + - @ tab or carriage return gets a leading quote, so a spreadsheet
// shows it as text instead of running it (OWASP's CSV injection advice).
// Resource names and tag values are attacker-controlled.
type safeCSV struct {
	w   *csv.Writer
	rec []string
}

func newCSV(w io.Writer) *safeCSV { return &safeCSV{w: csv.NewWriter(w)} }

// Write writes one record, defused.
func (c *safeCSV) Write(rec []string) error {
	c.rec = c.rec[:0]
	for _, s := range rec {
		c.rec = append(c.rec, defuse(s))
	}
	return c.w.Write(c.rec)
}

// Flush flushes the underlying writer.
func (c *safeCSV) Flush() { c.w.Flush() }

// Error reports a failed Write or Flush.
func (c *safeCSV) Error() error { return c.w.Error() }

// defuse prefixes a cell a spreadsheet would read as a formula.
func defuse(s string) string { return queryreport.DefuseFormula(s) }
