package console

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/lake"
)

// complianceMatrix is the compliance page's data: checks × accounts.
type complianceMatrix struct {
	Frameworks []string
	Framework  string
	FailOnly   bool
	Accounts   []accountScore
	Rows       []matrixRow
}

type accountScore struct {
	Account    string
	Pass, Fail int
	RunID      string
}

type matrixRow struct {
	CheckID, Title, Severity string
	Controls                 string
	Cells                    []*complianceCell // one per account, nil when not evaluated
}

func (s *Server) compliancePage(w http.ResponseWriter, r *http.Request) {
	cells, err := s.data.complianceCells(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := complianceMatrix{Framework: r.URL.Query().Get("framework"), FailOnly: r.URL.Query().Get("failing") != ""}
	d.Accounts, d.Rows, d.Frameworks = matrix(cells, d.Framework, d.FailOnly)
	s.render(w, r, http.StatusOK, "compliance", d)
}

// matrix arranges the cells of framework's checks (all checks when it is
// empty) as rows of checks and columns of accounts, with each account's
// score over those checks.
func matrix(cells []complianceCell, framework string, failOnly bool) ([]accountScore, []matrixRow, []string) {
	fws, accts := map[string]bool{}, map[string]bool{}
	for _, c := range cells {
		for fw := range c.Frameworks {
			fws[fw] = true
		}
		accts[c.Account] = true
	}
	accounts := sortedKeys(accts)
	col := map[string]int{}
	scores := make([]accountScore, len(accounts))
	for i, a := range accounts {
		col[a], scores[i].Account = i, a
	}
	rows := map[string]*matrixRow{}
	for i := range cells {
		c := &cells[i]
		controls, mapped := c.Frameworks[framework]
		if framework != "" && !mapped {
			continue
		}
		row := rows[c.CheckID]
		if row == nil {
			row = &matrixRow{CheckID: c.CheckID, Title: c.Title, Severity: c.Severity, Controls: strings.Join(controls, ", "),
				Cells: make([]*complianceCell, len(accounts))}
			rows[c.CheckID] = row
		}
		row.Cells[col[c.Account]] = c
		sc := &scores[col[c.Account]]
		sc.Pass += c.Pass
		sc.Fail += c.Fail
		sc.RunID = c.RunID
	}
	var out []matrixRow
	for _, row := range rows {
		if failOnly && !slices.ContainsFunc(row.Cells, func(c *complianceCell) bool { return c != nil && c.Fail > 0 }) {
			continue
		}
		out = append(out, *row)
	}
	slices.SortFunc(out, func(a, b matrixRow) int {
		if framework != "" {
			if c := compareControls(a.Controls, b.Controls); c != 0 {
				return c
			}
		} else if c := cmp.Compare(severityRank(b.Severity), severityRank(a.Severity)); c != 0 {
			return c
		}
		return strings.Compare(a.CheckID, b.CheckID)
	})
	return scores, out, sortedKeys(fws)
}

func severityRank(s string) int { return compliance.Severity(strings.ToLower(s)).Rank() }

// compareControls orders control ids numerically part by part ("1.9"
// before "1.10").
func compareControls(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(strings.TrimSpace(pa[i]))
		nb, eb := strconv.Atoi(strings.TrimSpace(pb[i]))
		if ea == nil && eb == nil {
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if c := strings.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

// checkDetail is a check's drill-down page: every resource's result in
// the accounts' latest runs.
type checkDetail struct {
	CheckID     string
	Account     string
	Title       string
	Description string
	Severity    string
	Remediation string
	Frameworks  map[string][]string
	Results     *lake.Result
}

// checkResultsSQL lists one check's results in each account's latest run,
// failures first.
const checkResultsSQL = `WITH ` + latestRuns + `
	SELECT c.account, c.region, c.resource_type, c.resource_id, c.resource_arn, c.status, c.reason,
		c.muted, c.mute_reason, c.evaluated_at
	FROM auditing.compliance c JOIN latest l ON c.account = l.account AND c.run_id = l.run_id
	WHERE c.check_id = ? AND (? = '' OR c.account = ?)
	ORDER BY CASE c.status WHEN 'FAIL' THEN 0 WHEN 'ERROR' THEN 1 WHEN 'PASS' THEN 3 ELSE 2 END,
		c.account, c.region, c.resource_id`

func (s *Server) checkPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := checkDetail{CheckID: q.Get("check"), Account: q.Get("account")}
	res, err := s.data.query(r.Context(), checkResultsSQL, d.CheckID, d.Account, d.Account)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Results = res
	if c, ok := compliance.Lookup(d.CheckID); ok {
		d.Title, d.Description, d.Severity, d.Remediation, d.Frameworks = c.Title, c.Description, string(c.Severity), c.Remediation, c.Frameworks
	} else if cells, err := s.data.complianceCells(r.Context()); err == nil {
		for _, c := range cells {
			if c.CheckID == d.CheckID {
				d.Title, d.Severity, d.Frameworks = c.Title, c.Severity, c.Frameworks
				break
			}
		}
	}
	s.render(w, r, http.StatusOK, "check", d)
}

// resourceDetail is a resource's page: its compliance results, its
// configuration changes and the CloudTrail events that changed it.
type resourceDetail struct {
	Account, ID, ARN string
	Results          *lake.Result
	Changes          *lake.Result
	Events           *lake.Result
	Findings         []findingView
}

const (
	resourceResultsSQL = `WITH ` + latestRuns + `
	SELECT c.check_id, c.title, c.severity, c.status, c.reason, c.region, c.muted, c.evaluated_at
	FROM auditing.compliance c JOIN latest l ON c.account = l.account AND c.run_id = l.run_id
	WHERE c.account = ? AND (c.resource_id = ? OR (? <> '' AND c.resource_arn = ?))
	ORDER BY CASE c.status WHEN 'FAIL' THEN 0 ELSE 1 END, c.check_id`

	resourceChangesSQL = `SELECT changed_at, change_type, region, resource_type, status, configuration, previous_configuration
	FROM auditing.config_changes
	WHERE account = ? AND (resource_id = ? OR (? <> '' AND arn = ?))
	ORDER BY changed_at DESC LIMIT 20`

	// resourceEventsSQL finds the latest write calls naming the resource
	// (in resources[], or its id in the request or response).
	resourceEventsSQL = `SELECT eventtime, eventname, eventsource, useridentity.arn AS principal, sourceipaddress,
		errorcode, region, eventid
	FROM auditing.cloudtrail
	WHERE account = ? AND coalesce(lower(readonly), '') <> 'true'
		AND ((? <> '' AND list_contains(list_transform(resources, lambda x: x.arn), ?))
			OR contains(requestparameters, ?) OR contains(responseelements, ?))
	ORDER BY eventtime DESC LIMIT 10`
)

func (s *Server) resourcePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := resourceDetail{Account: q.Get("account"), ID: q.Get("id"), ARN: q.Get("arn")}
	if d.Account == "" || d.ID == "" {
		s.errorPage(w, r, http.StatusBadRequest, "A resource needs an account and an id.")
		return
	}
	ctx := r.Context()
	var err error
	if d.Results, err = s.data.query(ctx, resourceResultsSQL, d.Account, d.ID, d.ARN, d.ARN); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Changes, err = s.data.query(ctx, resourceChangesSQL, d.Account, d.ID, d.ARN, d.ARN); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Events, err = s.data.query(ctx, resourceEventsSQL, d.Account, d.ARN, d.ARN, jsonQuoted(d.ID), jsonQuoted(d.ID)); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Findings, err = s.data.findingsMentioning(ctx, d.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "resource", d)
}

// jsonQuoted is s as a JSON string, to find it as a whole value in
// CloudTrail's request and response JSON ("i-0abc", not "i-0abcd").
func jsonQuoted(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
