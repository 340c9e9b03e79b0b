package auditreport

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// report is a Run prepared for the writers: results enriched with their
// check's metadata, redacted and sorted, and per-account summaries.
type report struct {
	run *Run
	// generated dates the reports: the run's end, or the clock.
	generated time.Time
	rows      []row
	accounts  []accountSummary
	// frameworks are those the compliance files are written for.
	frameworks []string
}

// row is one result with what the reports show about its check.
type row struct {
	compliance.Result // Reason and MuteReason redacted, Severity and Frameworks filled
	AccountName       string
	Title             string // the check's title, or its id when the check is unknown
	Description       string
	Service           string
	Remediation       string
	FrameworkText     string // frameworkText(Frameworks)
	// FindingID identifies the finding across runs (ASFF Id, OCSF uid):
	// it derives from the check, account, region and resource only.
	FindingID string
	Partition string // "aws", "aws-cn", "aws-us-gov"
	// HomeRegion is Region, or the partition's home region for global results.
	HomeRegion string
	Time       time.Time // EvaluatedAt, or the report's date
}

// accountSummary is one account's line in the summaries.
type accountSummary struct {
	AccountRun         // Error and Skipped redacted
	Counts     counts  // unmuted results by status
	Muted      int     // muted results
	FailBySev  [5]int  // unmuted FAILs by severity rank
	Score      float64 // percentage of PASS among PASS and FAIL
	Scored     bool    // false when the account has no PASS nor FAIL
}

// counts are results by status.
type counts struct{ Pass, Fail, Error, Manual, NotApplicable, Other int }

func (c *counts) add(s compliance.Status) {
	switch s {
	case compliance.Pass:
		c.Pass++
	case compliance.Fail:
		c.Fail++
	case compliance.Error:
		c.Error++
	case compliance.Manual:
		c.Manual++
	case compliance.NotApplicable:
		c.NotApplicable++
	default:
		c.Other++
	}
}

// severities from the highest rank down.
var severities = []compliance.Severity{compliance.Critical, compliance.High, compliance.Medium, compliance.Low, compliance.Informational}

// newReport enriches, redacts and sorts r's results and summarizes accounts.
func newReport(r *Run) *report {
	rep := &report{run: r, generated: r.Finished}
	if rep.generated.IsZero() {
		rep.generated = clock()
	}
	rep.generated = rep.generated.UTC()

	names := map[string]string{}
	for _, a := range r.Accounts {
		names[a.Account] = a.Name
	}
	rows := make([]row, len(r.Results))
	order := make([]int, len(r.Results))
	for i, res := range r.Results {
		rows[i] = rep.enrich(res, names[res.Account])
		order[i] = i
	}
	// Sort indices: rows are big, and moving them dominated the sort. Ties
	// keep the input order, so the result does not depend on the algorithm.
	slices.SortFunc(order, func(i, j int) int {
		if c := rowCompare(&rows[i], &rows[j]); c != 0 {
			return c
		}
		return i - j
	})
	rep.rows = make([]row, len(rows))
	for i, k := range order {
		rep.rows[i] = rows[k]
	}
	assignFindingIDs(rep.rows)
	rep.accounts = summarize(r.Accounts, rep.rows)
	rep.frameworks = r.Frameworks
	if len(rep.frameworks) == 0 {
		set := map[string]bool{}
		for i := range rep.rows {
			for fw := range rep.rows[i].Frameworks {
				set[fw] = true
			}
		}
		rep.frameworks = slices.Sorted(maps.Keys(set))
	}
	return rep
}

// enrich fills a result's check metadata, degrading to what the result
// itself says when the check is not registered.
func (rep *report) enrich(res compliance.Result, accountName string) row {
	w := row{Result: res, AccountName: accountName, Title: res.CheckID}
	w.Reason = Redact(res.Reason)
	w.MuteReason = Redact(res.MuteReason)
	if len(res.Tags) > 0 {
		w.Tags = make(map[string]string, len(res.Tags))
		for k, v := range res.Tags {
			w.Tags[k] = Redact(v)
		}
	}
	if c, ok := compliance.Lookup(res.CheckID); ok {
		w.Title, w.Description, w.Service, w.Remediation = c.Title, c.Description, c.Service, c.Remediation
		if w.Severity == "" {
			w.Severity = c.Severity
		}
		if len(w.Frameworks) == 0 {
			w.Frameworks = c.Frameworks
		}
		if w.ResourceType == "" {
			w.ResourceType = c.ResourceType
		}
	} else {
		// Check ids are <service>_<resource>_<state>.
		w.Service, _, _ = strings.Cut(res.CheckID, "_")
	}
	if _, err := compliance.ParseSeverity(string(w.Severity)); err != nil {
		w.Severity = compliance.Informational
	}
	w.Severity = compliance.Severity(strings.ToLower(string(w.Severity)))
	if w.Region == "" {
		w.Region = "global"
	}
	if w.ResourceID == "" {
		w.ResourceID = w.Account
	}
	w.FrameworkText = frameworkText(w.Frameworks)
	w.Partition = partitionOf(w.ResourceARN, w.Region)
	w.HomeRegion = w.Region
	if w.Region == "global" {
		w.HomeRegion = homeRegion(w.Partition)
	}
	w.Time = res.EvaluatedAt.UTC()
	if res.EvaluatedAt.IsZero() {
		w.Time = rep.generated
	}
	return w
}

func rowCompare(a, b *row) int {
	if c := strings.Compare(a.Account, b.Account); c != 0 {
		return c
	}
	if c := strings.Compare(a.Region, b.Region); c != 0 {
		return c
	}
	if c := strings.Compare(a.CheckID, b.CheckID); c != 0 {
		return c
	}
	if c := strings.Compare(a.ResourceID, b.ResourceID); c != 0 {
		return c
	}
	if c := strings.Compare(a.ResourceARN, b.ResourceARN); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Status), string(b.Status)); c != 0 {
		return c
	}
	return strings.Compare(a.Reason, b.Reason)
}

// assignFindingIDs derives each row's finding id from its check, account,
// region and resource, so that a finding keeps its id from run to run and
// Security Hub updates it instead of adding a new one. Rows that share the
// key (a check reporting twice on one resource) get a -2, -3… suffix.
func assignFindingIDs(rows []row) {
	seen := map[string]int{}
	for i := range rows {
		w := &rows[i]
		h := sha256.Sum256([]byte(w.ResourceType + "\x00" + w.ResourceID + "\x00" + w.ResourceARN))
		id := "vigil-" + w.CheckID + "-" + w.Account + "-" + w.Region + "-" + hex.EncodeToString(h[:8])
		seen[id]++
		if n := seen[id]; n > 1 {
			id += "-" + strconv.Itoa(n)
		}
		w.FindingID = id
	}
}

// partitionOf reads the partition from an ARN, or guesses it from a region.
func partitionOf(arn, region string) string {
	if rest, ok := strings.CutPrefix(arn, "arn:"); ok {
		if p, _, ok := strings.Cut(rest, ":"); ok && p != "" {
			return p
		}
	}
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// homeRegion is where a partition's global resources live.
func homeRegion(partition string) string {
	switch partition {
	case "aws-cn":
		return "cn-north-1"
	case "aws-us-gov":
		return "us-gov-west-1"
	}
	return inventory.DefaultGlobalRegion
}

// summarize builds one summary per account of the run or of the results,
// sorted by account id.
func summarize(accounts []AccountRun, rows []row) []accountSummary {
	idx := map[string]int{}
	var out []accountSummary
	for _, a := range accounts {
		if _, dup := idx[a.Account]; dup {
			continue
		}
		a.Error = Redact(a.Error)
		if len(a.Skipped) > 0 {
			sk := make(map[string]string, len(a.Skipped))
			for region, why := range a.Skipped {
				sk[region] = Redact(why)
			}
			a.Skipped = sk
		}
		idx[a.Account] = len(out)
		out = append(out, accountSummary{AccountRun: a})
	}
	for i := range rows {
		w := &rows[i]
		j, ok := idx[w.Account]
		if !ok {
			// A result for an account the run did not list: show it anyway.
			j = len(out)
			idx[w.Account] = j
			out = append(out, accountSummary{AccountRun: AccountRun{Account: w.Account}})
		}
		s := &out[j]
		if w.Muted {
			s.Muted++
			continue
		}
		s.Counts.add(w.Status)
		if w.Status == compliance.Fail {
			s.FailBySev[w.Severity.Rank()]++
		}
	}
	for i := range out {
		s := &out[i]
		if n := s.Counts.Pass + s.Counts.Fail; n > 0 {
			s.Scored = true
			s.Score = 100 * float64(s.Counts.Pass) / float64(n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out
}

// scoreText renders a score for people: "87.5%", or "n/a".
func (s *accountSummary) scoreText() string {
	if !s.Scored {
		return "n/a"
	}
	return strconv.FormatFloat(s.Score, 'f', 1, 64) + "%"
}

// frameworkText renders a framework → controls map the way Prowler's CSV
// does: "cis-aws-7.0: 2.8, 2.9 | aws-config: iam-password-policy".
func frameworkText(fw map[string][]string) string {
	var b strings.Builder
	for i, name := range slices.Sorted(maps.Keys(fw)) {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(name)
		b.WriteString(": ")
		b.WriteString(strings.Join(fw[name], ", "))
	}
	return b.String()
}

// tagText renders tags sorted by key: "env=prod | team=a".
func tagText(tags map[string]string) string {
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(tags)) {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(tags[k])
	}
	return b.String()
}
