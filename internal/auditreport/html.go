package auditreport

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-sec/vigil/internal/compliance"
)

// index.html is one file with everything inline: it is mailed, attached to
// tickets and opened from disk, so it loads nothing from the network (its
// Content-Security-Policy forbids it). The summary is rendered here; the
// results table is rendered in the browser from a JSON island (a <script
// type="application/json">, never executed), one page at a time, so that
// 100 000 results stay fast. Attacker-controlled strings (resource names,
// tags) reach the DOM only through textContent, and the CSP allows only the
// page's own script by hash, so an injected handler would not run anyway.

//go:embed assets/report.html.tmpl assets/report.css assets/report.js
var assets embed.FS

var (
	pageTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"sevLabel": sevLabel,
	}).ParseFS(assets, "assets/report.html.tmpl"))
	pageCSS = mustAsset("assets/report.css")
	pageJS  = mustAsset("assets/report.js")
	// pageCSP allows the inline style and script by hash and nothing else.
	pageCSP = "default-src 'none'; style-src " + cspHash(pageCSS) + "; script-src " + cspHash(pageJS) +
		"; base-uri 'none'; form-action 'none'"
)

func mustAsset(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic("BUG: auditreport: " + err.Error())
	}
	return string(b)
}

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

// htmlPage is what the template shows.
type htmlPage struct {
	Run        *Run
	Tool       string
	Generated  string
	Started    string
	Duration   string
	Frameworks string
	Totals     counts
	Muted      int
	Scored     bool
	Score      string
	Accounts   []htmlAccount
	Problems   []htmlAccount
	Chart      htmlChart
	Controls   []htmlControl
	Results    int
	CSP        string
	CSS        template.CSS
	JS         template.JS
	// Data is the results as JSON with <, > and & escaped, so it cannot
	// end its <script> element.
	Data template.JS
}

type htmlAccount struct {
	accountSummary
	Label    string
	Score    string
	Duration string
	Skipped  []htmlSkip
}

type htmlSkip struct{ Region, Reason string }

type htmlChart struct {
	Width, Height int
	Bars          []htmlBar
	Label         string // the chart's text alternative
}

type htmlBar struct {
	Severity    compliance.Severity
	Count       int
	Y, TextY, W int
	CountX      int
}

type htmlControl struct {
	Framework string
	Control   string
	Checks    string
	Severity  compliance.Severity
	Accounts  int
	Resources int
}

func (rep *report) writeHTML(w io.Writer) error {
	data, err := rep.htmlData()
	if err != nil {
		return err
	}
	p := htmlPage{
		Run:       rep.run,
		Tool:      toolName(rep.run),
		Generated: rep.generated.Format(time.RFC3339),
		Results:   len(rep.rows),
		CSP:       pageCSP,
		CSS:       template.CSS(pageCSS),
		JS:        template.JS(pageJS),
		Data:      template.JS(data),
	}
	if !rep.run.Started.IsZero() {
		p.Started = rep.run.Started.UTC().Format(time.RFC3339)
		p.Duration = rep.generated.Sub(rep.run.Started.UTC()).Round(time.Second).String()
	}
	p.Frameworks = strings.Join(rep.frameworks, ", ")
	for _, a := range rep.accounts {
		h := htmlAccount{accountSummary: a, Label: accountLabel(a.Account, a.Name), Score: a.scoreText()}
		if a.Duration > 0 {
			h.Duration = a.Duration.Round(time.Millisecond).String()
		}
		for _, region := range slices.Sorted(maps.Keys(a.Skipped)) {
			h.Skipped = append(h.Skipped, htmlSkip{region, a.Skipped[region]})
		}
		p.Accounts = append(p.Accounts, h)
		if a.Status == AccountFailed || a.Status == AccountPartial {
			p.Problems = append(p.Problems, h)
		}
		p.Totals.Pass += a.Counts.Pass
		p.Totals.Fail += a.Counts.Fail
		p.Totals.Error += a.Counts.Error + a.Counts.Other
		p.Totals.Manual += a.Counts.Manual
		p.Totals.NotApplicable += a.Counts.NotApplicable
		p.Muted += a.Muted
	}
	if n := p.Totals.Pass + p.Totals.Fail; n > 0 {
		p.Scored = true
		p.Score = (&accountSummary{Scored: true, Score: 100 * float64(p.Totals.Pass) / float64(n)}).scoreText()
	}
	p.Chart = rep.chart()
	p.Controls = rep.failingControls()
	if err := pageTemplate.Execute(w, p); err != nil {
		return fmt.Errorf("render index.html: %w", err)
	}
	return nil
}

func accountLabel(id, name string) string {
	if name == "" {
		return id
	}
	return name + " (" + id + ")"
}

func sevLabel(s compliance.Severity) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// chart lays out the bar chart of unmuted failures by severity.
func (rep *report) chart() htmlChart {
	var bySev [5]int
	for _, a := range rep.accounts {
		for i, n := range a.FailBySev {
			bySev[i] += n
		}
	}
	const barH, gap, labelW, barW = 24, 8, 120, 300
	c := htmlChart{Width: labelW + barW + 80, Height: len(severities) * (barH + gap)}
	most := slices.Max(bySev[:])
	var alt []string
	for i, sev := range severities {
		n := bySev[sev.Rank()]
		b := htmlBar{Severity: sev, Count: n, Y: i * (barH + gap), TextY: i*(barH+gap) + barH/2 + 5}
		if most > 0 {
			b.W = barW * n / most
		}
		if n > 0 && b.W < 2 {
			b.W = 2 // a failure never draws as nothing
		}
		b.CountX = labelW + b.W + 6
		c.Bars = append(c.Bars, b)
		alt = append(alt, fmt.Sprintf("%s %d", sevLabel(sev), n))
	}
	c.Label = "Failed results by severity: " + strings.Join(alt, ", ")
	return c
}

// failingControls lists each framework control (or, for checks mapped to
// no framework, each check) with unmuted failures, worst first.
func (rep *report) failingControls() []htmlControl {
	type agg struct {
		htmlControl
		checks    map[string]bool
		accounts  map[string]bool
		resources int
	}
	groups := map[[2]string]*agg{}
	add := func(fw, ctl string, r *row) {
		k := [2]string{fw, ctl}
		g := groups[k]
		if g == nil {
			g = &agg{htmlControl: htmlControl{Framework: fw, Control: ctl, Severity: r.Severity}, checks: map[string]bool{}, accounts: map[string]bool{}}
			groups[k] = g
		}
		if r.Severity.Rank() > g.Severity.Rank() {
			g.Severity = r.Severity
		}
		g.checks[r.Title] = true
		g.accounts[r.Account] = true
		g.resources++
	}
	for i := range rep.rows {
		r := &rep.rows[i]
		if r.Muted || r.Status != compliance.Fail {
			continue
		}
		if len(r.Frameworks) == 0 {
			add("", r.CheckID, r)
		}
		for fw, ctls := range r.Frameworks {
			for _, c := range ctls {
				add(fw, c, r)
			}
		}
	}
	out := make([]htmlControl, 0, len(groups))
	for _, g := range groups {
		g.Checks = strings.Join(slices.Sorted(maps.Keys(g.checks)), " | ")
		g.Accounts = len(g.accounts)
		g.Resources = g.resources
		out = append(out, g.htmlControl)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Severity.Rank() != b.Severity.Rank():
			return a.Severity.Rank() > b.Severity.Rank()
		case a.Resources != b.Resources:
			return a.Resources > b.Resources
		case a.Framework != b.Framework:
			return a.Framework < b.Framework
		}
		return compareControls(a.Control, b.Control) < 0
	})
	return out
}

// htmlCheck is one check in the page's data, referenced by index from rows.
type htmlCheck struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Service     string `json:"service"`
	Remediation string `json:"remediation"`
}

// htmlData encodes the results for the page's script. Repeated strings
// (accounts, regions, checks, framework mappings) are listed once and
// referenced by index; each row is an array:
// [account, region, check, status, severity, frameworks, resource, reason, muted, mute reason].
func (rep *report) htmlData() ([]byte, error) {
	var (
		accounts   [][2]string
		regions    []string
		checks     []htmlCheck
		fw         []string
		fwSets     [][]string
		accountIdx = map[string]int{}
		regionIdx  = map[string]int{}
		checkIdx   = map[string]int{}
		fwIdx      = map[string]int{}
	)
	for _, a := range rep.accounts {
		accountIdx[a.Account] = len(accounts)
		accounts = append(accounts, [2]string{a.Account, a.Name})
	}
	intern := func(m map[string]int, list *[]string, s string) int {
		i, ok := m[s]
		if !ok {
			i = len(*list)
			m[s] = i
			*list = append(*list, s)
		}
		return i
	}
	b := make([]byte, 0, 128*len(rep.rows))
	b = append(b, `{"rows":[`...)
	for i := range rep.rows {
		r := &rep.rows[i]
		c, ok := checkIdx[r.CheckID]
		if !ok {
			c = len(checks)
			checkIdx[r.CheckID] = c
			checks = append(checks, htmlCheck{ID: r.CheckID, Title: r.Title, Service: r.Service, Remediation: r.Remediation})
		}
		ft := r.FrameworkText
		f, ok := fwIdx[ft]
		if !ok {
			f = len(fw)
			fwIdx[ft] = f
			fw = append(fw, ft)
			fwSets = append(fwSets, slices.Sorted(maps.Keys(r.Frameworks)))
		}
		muted := byte('0')
		if r.Muted {
			muted = '1'
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n["...)
		b = strconv.AppendInt(b, int64(accountIdx[r.Account]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(intern(regionIdx, &regions, r.Region)), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(c), 10)
		for _, s := range []string{string(r.Status), string(r.Severity)} {
			b = append(b, ',')
			b = appendJSONString(b, s)
		}
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(f), 10)
		for _, s := range []string{r.ResourceID, r.Reason} {
			b = append(b, ',')
			b = appendJSONString(b, s)
		}
		b = append(b, ',', muted, ',')
		b = appendJSONString(b, r.MuteReason)
		b = append(b, ']')
	}
	meta, err := json.Marshal(struct {
		Accounts [][2]string `json:"accounts"`
		Regions  []string    `json:"regions"`
		Checks   []htmlCheck `json:"checks"`
		FW       []string    `json:"fw"`
		FWSets   [][]string  `json:"fwsets"`
	}{nonNil(accounts), nonNil(regions), nonNil(checks), nonNil(fw), nonNil(fwSets)})
	if err != nil {
		return nil, err
	}
	b = append(b, "\n],"...)
	return append(b, meta[1:]...), nil // splice the metadata object's fields after rows
}

// appendJSONString appends s as a JSON string escaped as encoding/json
// escapes for HTML: <, > and & become \u003c, \u003e and \u0026, so the
// text can never close the <script> element that holds it; U+2028 and
// U+2029 are escaped too, and invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
