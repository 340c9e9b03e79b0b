package auditreport

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/vigil-sec/vigil/internal/compliance"
)

// jsonResult is one element of results.json: a result with its check's
// metadata.
type jsonResult struct {
	FindingID        string              `json:"finding_id"`
	Account          string              `json:"account"`
	AccountName      string              `json:"account_name,omitempty"`
	Region           string              `json:"region"`
	CheckID          string              `json:"check_id"`
	CheckTitle       string              `json:"check_title"`
	CheckDescription string              `json:"check_description,omitempty"`
	Service          string              `json:"service"`
	Severity         compliance.Severity `json:"severity"`
	Status           compliance.Status   `json:"status"`
	Reason           string              `json:"reason"`
	ResourceType     string              `json:"resource_type"`
	ResourceID       string              `json:"resource_id"`
	ResourceARN      string              `json:"resource_arn,omitempty"`
	Tags             map[string]string   `json:"tags,omitempty"`
	Frameworks       map[string][]string `json:"frameworks,omitempty"`
	Remediation      string              `json:"remediation,omitempty"`
	Muted            bool                `json:"muted"`
	MuteReason       string              `json:"mute_reason,omitempty"`
	EvaluatedAt      time.Time           `json:"evaluated_at"`
	SnapshotID       string              `json:"snapshot_id,omitempty"`
}

func (rep *report) writeJSON(w io.Writer) error {
	return writeArray(w, len(rep.rows), func(i int) any {
		r := &rep.rows[i]
		return jsonResult{
			FindingID: r.FindingID, Account: r.Account, AccountName: r.AccountName, Region: r.Region,
			CheckID: r.CheckID, CheckTitle: r.Title, CheckDescription: r.Description, Service: r.Service,
			Severity: r.Severity, Status: r.Status, Reason: r.Reason,
			ResourceType: r.ResourceType, ResourceID: r.ResourceID, ResourceARN: r.ResourceARN, Tags: r.Tags,
			Frameworks: r.Frameworks, Remediation: r.Remediation, Muted: r.Muted, MuteReason: r.MuteReason,
			EvaluatedAt: r.Time, SnapshotID: r.SnapshotID,
		}
	})
}

// writeArray writes a JSON array with one element per line, so that big
// files stream and golden files diff line by line.
func writeArray(w io.Writer, n int, elem func(i int) any) error {
	if n == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	enc := json.NewEncoder(w) // Encode ends each element with "\n"
	for i := range n {
		sep := ",\n"
		if i == 0 {
			sep = "[\n"
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if err := enc.Encode(elem(i)); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
	}
	_, err := io.WriteString(w, "]\n")
	return err
}

// jsonSummary is summary.json: the run and one entry per account.
type jsonSummary struct {
	RunID      string        `json:"run_id"`
	Tool       string        `json:"tool"`
	Version    string        `json:"version,omitempty"`
	Org        string        `json:"org,omitempty"`
	Started    time.Time     `json:"started"`
	Finished   time.Time     `json:"finished"`
	Frameworks []string      `json:"frameworks"`
	Totals     jsonCounts    `json:"totals"`
	Accounts   []jsonAccount `json:"accounts"`
}

type jsonCounts struct {
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Error         int `json:"error"`
	Manual        int `json:"manual"`
	NotApplicable int `json:"not_applicable"`
	Muted         int `json:"muted"`
}

type jsonAccount struct {
	Account string            `json:"account"`
	Name    string            `json:"name,omitempty"`
	Status  string            `json:"status,omitempty"`
	Error   string            `json:"error,omitempty"`
	Regions []string          `json:"regions,omitempty"`
	Skipped map[string]string `json:"skipped,omitempty"`
	Calls   int               `json:"calls"`
	Seconds float64           `json:"duration_seconds"`
	// Score is the percentage of PASS among PASS and FAIL (muted results
	// excluded); null when the account has neither.
	Score          *float64       `json:"score"`
	Results        jsonCounts     `json:"results"`
	FailBySeverity map[string]int `json:"fail_by_severity"`
}

func (rep *report) writeSummaryJSON(w io.Writer) error {
	s := jsonSummary{
		RunID: rep.run.ID, Tool: toolName(rep.run), Version: rep.run.Version, Org: rep.run.Org,
		Started: rep.run.Started.UTC(), Finished: rep.generated, Frameworks: rep.frameworks,
		Accounts: []jsonAccount{},
	}
	if s.Frameworks == nil {
		s.Frameworks = []string{}
	}
	for i := range rep.accounts {
		a := &rep.accounts[i]
		c := jsonCounts{Pass: a.Counts.Pass, Fail: a.Counts.Fail, Error: a.Counts.Error,
			Manual: a.Counts.Manual, NotApplicable: a.Counts.NotApplicable, Muted: a.Muted}
		ja := jsonAccount{
			Account: a.Account, Name: a.Name, Status: a.Status, Error: a.Error, Regions: a.Regions,
			Skipped: a.Skipped, Calls: a.Calls, Seconds: a.Duration.Seconds(), Results: c,
			FailBySeverity: map[string]int{},
		}
		if a.Scored {
			score := math.Round(a.Score*10) / 10
			ja.Score = &score
		}
		for _, sev := range severities {
			ja.FailBySeverity[string(sev)] = a.FailBySev[sev.Rank()]
		}
		s.Accounts = append(s.Accounts, ja)
		s.Totals.Pass += c.Pass
		s.Totals.Fail += c.Fail
		s.Totals.Error += c.Error
		s.Totals.Manual += c.Manual
		s.Totals.NotApplicable += c.NotApplicable
		s.Totals.Muted += c.Muted
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// toolName is the run's tool, "vigil" by default.
func toolName(r *Run) string {
	if r.Tool == "" {
		return "vigil"
	}
	return r.Tool
}
