package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/vigil-sec/vigil/internal/console/triage"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// apiError answers {"error": msg}.
func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := s.classify(r, err)
	apiError(w, status, msg)
}

// readJSON decodes a request body of at most 1 MiB into v.
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return inputError{fmt.Errorf("request body: %w", err)}
	}
	return nil
}

func (s *Server) apiHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := s.data.sb.Query(r.Context(), "SELECT 1"); err != nil {
		s.log.Error("health check", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// findingJSON is a finding as the API returns it: GuardDuty's shape with
// the effective archive state, and why.
func findingJSON(f findingView) any {
	c := *f.Finding
	c.Service.Archived = f.Archived
	return struct {
		vigil.Finding
		ArchivedBy string `json:"vigilArchivedBy,omitempty"`
	}{c, f.Why}
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) {
	ff, err := parseFindingFilter(r.URL.Query())
	if err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	all, err := s.data.allFindings(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	limit, offset := atoi(r.URL.Query().Get("limit")), max(0, atoi(r.URL.Query().Get("offset")))
	if limit <= 0 {
		limit = 1000
	}
	out := []any{}
	total := 0
	for _, f := range all {
		if !ff.match(f) {
			continue
		}
		if total >= offset && len(out) < limit {
			out = append(out, findingJSON(f))
		}
		total++
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "offset": offset, "findings": out})
}

func (s *Server) apiFinding(w http.ResponseWriter, r *http.Request) {
	f, err := s.data.finding(r.Context(), r.PathValue("id"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, findingJSON(f))
}

func (s *Server) apiArchive(archived bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if err := s.decide(r.Context(), id, archived, who(r).user); err != nil {
			s.apiFail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "archived": archived})
	}
}

// complianceJSON is one check in the compliance summary.
type complianceJSON struct {
	CheckID    string                    `json:"check_id"`
	Title      string                    `json:"title"`
	Severity   string                    `json:"severity"`
	Frameworks map[string][]string       `json:"frameworks,omitempty"`
	Accounts   map[string]accountResults `json:"accounts"`
}

type accountResults struct {
	Status string `json:"status"`
	Pass   int    `json:"pass"`
	Fail   int    `json:"fail"`
	Error  int    `json:"error"`
	Other  int    `json:"other"`
	Muted  int    `json:"muted"`
	RunID  string `json:"run_id"`
}

func (s *Server) apiCompliance(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if check := q.Get("check"); check != "" {
		res, err := s.data.sb.Query(r.Context(), checkResultsSQL, check, q.Get("account"), q.Get("account"))
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, resultJSON(res.Columns, res.Rows, res.Truncated))
		return
	}
	cells, err := s.data.complianceCells(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	scores, rows, _ := matrix(cells, q.Get("framework"), q.Get("failing") != "")
	accounts := []map[string]any{}
	for _, sc := range scores {
		if a := q.Get("account"); a != "" && sc.Account != a {
			continue
		}
		score := any(nil)
		if sc.Pass+sc.Fail > 0 {
			score = float64(sc.Pass) / float64(sc.Pass+sc.Fail)
		}
		accounts = append(accounts, map[string]any{"account": sc.Account, "pass": sc.Pass, "fail": sc.Fail, "score": score, "run_id": sc.RunID})
	}
	checks := []complianceJSON{}
	for _, row := range rows {
		c := complianceJSON{CheckID: row.CheckID, Title: row.Title, Severity: row.Severity, Accounts: map[string]accountResults{}}
		for _, cell := range row.Cells {
			if cell == nil || (q.Get("account") != "" && cell.Account != q.Get("account")) {
				continue
			}
			c.Frameworks = cell.Frameworks
			c.Accounts[cell.Account] = accountResults{Status: cell.Status(), Pass: cell.Pass, Fail: cell.Fail, Error: cell.Error,
				Other: cell.Other, Muted: cell.Muted, RunID: cell.RunID}
		}
		if len(c.Accounts) > 0 {
			checks = append(checks, c)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": accounts, "checks": checks})
}

// resultJSON is a query result as the API returns it.
func resultJSON(cols []string, rows [][]any, truncated bool) map[string]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = jsonValue(v)
		}
		out[i] = vals
	}
	if cols == nil {
		cols = []string{}
	}
	return map[string]any{"columns": cols, "rows": out, "truncated": truncated}
}

func (s *Server) apiQuery(w http.ResponseWriter, r *http.Request) {
	var req struct {
		SQL     string `json:"sql"`
		MaxRows int    `json:"max_rows"`
	}
	if err := readJSON(r, &req); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	var (
		cols, types []string
		rows        [][]any
	)
	truncated, err := s.data.sb.Stream(r.Context(), req.SQL, min(max(0, req.MaxRows), s.o.Sandbox.Limits().MaxRows),
		func(c, t []string) error { cols, types = c, t; return nil },
		func(row []any) error { rows = append(rows, row); return nil })
	if err != nil {
		status, msg := s.queryError(r, err)
		apiError(w, status, msg)
		return
	}
	out := resultJSON(cols, rows, truncated)
	if types == nil {
		types = []string{}
	}
	out["types"] = types
	writeJSON(w, http.StatusOK, out)
}

// queryError maps an error of user-typed SQL: refusals and DuckDB's
// errors (syntax, unknown column…) are the request's fault.
func (s *Server) queryError(r *http.Request, err error) (int, string) {
	if r.Context().Err() != nil {
		return http.StatusServiceUnavailable, "the request was cancelled"
	}
	return http.StatusBadRequest, err.Error()
}

func (s *Server) apiInvestigate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	term := strings.TrimSpace(q.Get("q"))
	if term == "" {
		apiError(w, http.StatusBadRequest, "q is required: an access key, IP address, principal ARN or resource id")
		return
	}
	inv, err := s.investigate(r.Context(), term, q.Get("since"), q.Get("until"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if inv.Entries == nil {
		inv.Entries = []timelineEntry{}
	}
	writeJSON(w, http.StatusOK, inv)
}

func (s *Server) apiSuppressions(w http.ResponseWriter, r *http.Request) {
	st, err := s.data.triageState()
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	rules := st.Rules
	if rules == nil {
		rules = []triage.Rule{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": rules})
}

func (s *Server) apiCreateSuppression(w http.ResponseWriter, r *http.Request) {
	var rule triage.Rule
	if err := readJSON(r, &rule.Suppression); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.addRule(rule, who(r).user); err != nil {
		apiError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"created": rule.Name})
}

func (s *Server) apiDeleteSuppression(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	err := triage.Update(s.o.Lake, func(st *triage.State) error { return st.DeleteRule(name) })
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.log.Info("suppression rule deleted", "rule", name, "user", who(r).user)
	w.WriteHeader(http.StatusNoContent)
}

// inputError is a bad request parameter.
type inputError struct{ error }

func (e inputError) Unwrap() error { return e.error }

func isInputError(err error) bool {
	var ie inputError
	return errors.As(err, &ie)
}
