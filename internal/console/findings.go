package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/console/triage"
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// findingsPerPage is the findings page's page size.
const findingsPerPage = 50

// parseFindingFilter reads the filter of the findings page and API.
func parseFindingFilter(q url.Values) (findingFilter, error) {
	ff := findingFilter{Account: strings.TrimSpace(q.Get("account")), Region: strings.TrimSpace(q.Get("region")),
		Since: q.Get("since"), Until: q.Get("until"), Archived: q.Get("archived")}
	for _, t := range q["type"] {
		if t = strings.TrimSpace(t); t != "" {
			ff.Types = append(ff.Types, t)
		}
	}
	if s := q.Get("severity"); s != "" {
		sev, err := vigil.ParseSeverity(s)
		if err != nil {
			return ff, err
		}
		ff.Severity = sev
	}
	for _, d := range []struct{ name, v string }{{"since", ff.Since}, {"until", ff.Until}} {
		if _, err := time.Parse(time.DateOnly, d.v); d.v != "" && err != nil {
			return ff, fmt.Errorf("%s %q: want YYYY-MM-DD", d.name, d.v)
		}
	}
	switch ff.Archived {
	case "", "archived", "all":
	default:
		return ff, fmt.Errorf("archived %q: want archived or all (or nothing for active findings)", ff.Archived)
	}
	return ff, nil
}

// findingsList is the findings page's data.
type findingsList struct {
	Findings   []findingView
	Total      int
	Page, Last int
	Types      []string
	Accounts   []string
	Regions    []string
	Error      string
}

func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request) {
	all, err := s.data.allFindings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var d findingsList
	types, accounts, regions := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, f := range all {
		types[f.Type], accounts[f.AccountID], regions[f.Region] = true, true, true
	}
	d.Types, d.Accounts, d.Regions = sortedKeys(types), sortedKeys(accounts), sortedKeys(regions)
	ff, err := parseFindingFilter(r.URL.Query())
	if err != nil {
		d.Error = err.Error()
		s.render(w, r, http.StatusBadRequest, "findings", d)
		return
	}
	var matched []findingView
	for _, f := range all {
		if ff.match(f) {
			matched = append(matched, f)
		}
	}
	d.Total = len(matched)
	d.Last = max(1, (len(matched)+findingsPerPage-1)/findingsPerPage)
	d.Page = min(max(1, atoi(r.URL.Query().Get("page"))), d.Last)
	lo := (d.Page - 1) * findingsPerPage
	d.Findings = matched[lo:min(lo+findingsPerPage, len(matched))]
	s.render(w, r, http.StatusOK, "findings", d)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// evidenceRows is how many evidence records a finding's page shows.
const evidenceRows = 100

// findingDetail is a finding's page data.
type findingDetail struct {
	F        findingView
	Resource string
	Evidence *lake.Result
	// EvidenceError says why the evidence could not be shown.
	EvidenceError string
	Flash         string
}

func (s *Server) findingPage(w http.ResponseWriter, r *http.Request) {
	f, err := s.data.finding(r.Context(), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := findingDetail{F: f, Resource: detect.ResourceName(f.Finding), Flash: r.URL.Query().Get("done")}
	d.Evidence, err = s.evidence(r.Context(), f.Finding)
	if err != nil {
		_, d.EvidenceError = s.classify(r, err)
	}
	s.render(w, r, http.StatusOK, "finding", d)
}

// evidence runs a finding's evidence query (through the sandbox, as a
// user would) for the columns worth a glance.
func (s *Server) evidence(ctx context.Context, f *vigil.Finding) (*lake.Result, error) {
	q := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f.Evidence.SQL), ";"))
	if q == "" {
		return nil, nil
	}
	cols := `eventtime, eventname, eventsource, useridentity.arn AS principal, useridentity.accesskeyid AS access_key,
		sourceipaddress, errorcode, awsregion, account, eventid`
	order := "eventtime, eventid"
	if len(f.Evidence.FlowKeys) > 0 {
		cols = `to_timestamp(start) AS start, to_timestamp("end") AS "end", account, region, interface_id, srcaddr, srcport,
			dstaddr, dstport, protocol, packets, bytes, action`
		order = `start, interface_id, srcaddr, srcport`
	}
	return s.data.query(ctx, fmt.Sprintf("SELECT %s FROM (%s) AS evidence ORDER BY %s LIMIT %d", cols, q, order, evidenceRows))
}

// decide archives or unarchives a finding as user.
func (s *Server) decide(ctx context.Context, id string, archived bool, user string) error {
	if _, err := s.data.finding(ctx, id); err != nil {
		return err
	}
	err := triage.Update(s.o.Lake, func(st *triage.State) error {
		st.Decide(id, archived, user, s.o.Now())
		return nil
	})
	if err == nil {
		s.log.Info("finding triaged", "finding", id, "archived", archived, "user", user)
	}
	return err
}

func (s *Server) archive(archived bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if err := s.decide(r.Context(), id, archived, who(r).user); err != nil {
			s.fail(w, r, err)
			return
		}
		done := "unarchived"
		if archived {
			done = "archived"
		}
		http.Redirect(w, r, "/findings/"+url.PathEscape(id)+"?done="+done, http.StatusSeeOther)
	}
}

// suppressionsData is the suppression rules page's data.
type suppressionsData struct {
	Rules []ruleView
	// Draft prefills the form ("suppress findings like this").
	Draft triage.Rule
	From  string
	Error string
	Flash string
}

type ruleView struct {
	triage.Rule
	Matches int
}

func (s *Server) suppressionsPage(w http.ResponseWriter, r *http.Request) {
	d := suppressionsData{Flash: r.URL.Query().Get("done")}
	if id := r.URL.Query().Get("from"); id != "" {
		f, err := s.data.finding(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.From, d.Draft = id, draftRule(f.Finding)
	}
	s.renderSuppressions(w, r, http.StatusOK, d)
}

// draftRule proposes a rule matching findings like f: same type and
// account, same actor (principal, else source address).
func draftRule(f *vigil.Finding) triage.Rule {
	r := triage.Rule{}
	r.Name = fmt.Sprintf("%s in %s", f.Type, f.AccountID)
	r.Types, r.Accounts = []string{f.Type}, []string{f.AccountID}
	switch {
	case f.Evidence.Principal != "":
		r.Principals = []string{f.Evidence.Principal}
	case f.SourceIP() != "":
		r.IPs = []string{f.SourceIP()}
	}
	return r
}

func (s *Server) renderSuppressions(w http.ResponseWriter, r *http.Request, status int, d suppressionsData) {
	st, err := s.data.triageState()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.data.allFindings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts := map[string]int{}
	for _, f := range all {
		if name := st.MatchingRule(f.Finding); name != "" {
			counts[name]++
		}
	}
	for _, rule := range st.Rules {
		d.Rules = append(d.Rules, ruleView{Rule: rule, Matches: counts[rule.Name]})
	}
	s.render(w, r, status, "suppressions", d)
}

// splitList reads a comma- or newline-separated form field.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// addRule stores a new suppression rule made by user.
func (s *Server) addRule(rule triage.Rule, user string) error {
	rule.CreatedBy, rule.CreatedAt = user, s.o.Now()
	err := triage.Update(s.o.Lake, func(st *triage.State) error { return st.AddRule(rule) })
	if err == nil {
		s.log.Info("suppression rule created", "rule", rule.Name, "user", user)
	}
	return err
}

func (s *Server) createSuppression(w http.ResponseWriter, r *http.Request) {
	rule := triage.Rule{}
	rule.Name = strings.TrimSpace(r.PostFormValue("name"))
	rule.Types, rule.Accounts = splitList(r.PostFormValue("types")), splitList(r.PostFormValue("accounts"))
	rule.Principals, rule.IPs = splitList(r.PostFormValue("principals")), splitList(r.PostFormValue("ips"))
	if err := s.addRule(rule, who(r).user); err != nil {
		s.renderSuppressions(w, r, http.StatusBadRequest, suppressionsData{Draft: rule, From: r.PostFormValue("from"), Error: err.Error()})
		return
	}
	http.Redirect(w, r, "/suppressions?done=created", http.StatusSeeOther)
}

func (s *Server) deleteSuppression(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	err := triage.Update(s.o.Lake, func(st *triage.State) error { return st.DeleteRule(name) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("suppression rule deleted", "rule", name, "user", who(r).user)
	http.Redirect(w, r, "/suppressions?done=deleted", http.StatusSeeOther)
}
