package console

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/vigil-sec/vigil/internal/vigil"
	"golang.org/x/sync/errgroup"
)

// overviewData is the overview page's data.
type overviewData struct {
	Bands      []bandCount
	Active     int
	Archived   int
	Chart      template.HTML
	Days       []dayCounts
	TopTypes   []typeCount
	Scores     []accountScore
	Fresh      []freshness
	IngestRuns []IngestRun
}

type bandCount struct {
	Label string
	// AtLeast counts the findings of this band and the higher ones, as
	// the findings page's severity filter selects them.
	AtLeast int
}

type typeCount struct {
	Type     string
	Count    int
	Severity vigil.Severity
}

// chartDays is how many days the findings chart covers.
const chartDays = 30

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	var (
		d      overviewData
		all    []findingView
		cells  []complianceCell
		fresh  []freshness
		g, ctx = errgroup.WithContext(r.Context())
	)
	g.Go(func() (err error) { all, err = s.data.allFindings(ctx); return })
	g.Go(func() (err error) { cells, err = s.data.complianceCells(ctx); return })
	g.Go(func() (err error) { fresh, err = s.data.freshnessRows(ctx); return })
	if err := g.Wait(); err != nil {
		s.fail(w, r, err)
		return
	}
	counts := map[string]int{}
	types := map[string]*typeCount{}
	perDay := map[string]*dayCounts{}
	latest := ""
	for _, f := range all {
		if f.Archived {
			d.Archived++
			continue
		}
		d.Active++
		label := f.Severity.Label()
		counts[label]++
		tc := types[f.Type]
		if tc == nil {
			tc = &typeCount{Type: f.Type}
			types[f.Type] = tc
		}
		tc.Count++
		tc.Severity = max(tc.Severity, f.Severity)
		day := f.Service.EventFirstSeen[:min(10, len(f.Service.EventFirstSeen))]
		dc := perDay[day]
		if dc == nil {
			dc = &dayCounts{Day: day}
			perDay[day] = dc
		}
		if i := slices.Index(bands, label); i >= 0 {
			dc.Counts[i]++
		}
		latest = max(latest, day)
	}
	atLeast := 0
	for _, b := range bands {
		atLeast += counts[b]
		d.Bands = append(d.Bands, bandCount{Label: b, AtLeast: atLeast})
	}
	end, err := time.Parse(time.DateOnly, latest)
	if err != nil {
		end = s.o.Now().UTC()
	}
	for i := chartDays - 1; i >= 0; i-- {
		day := end.AddDate(0, 0, -i).Format(time.DateOnly)
		dc := dayCounts{Day: day}
		if p := perDay[day]; p != nil {
			dc = *p
		}
		d.Days = append(d.Days, dc)
	}
	d.Chart = severityChart(d.Days)
	for _, tc := range types {
		d.TopTypes = append(d.TopTypes, *tc)
	}
	slices.SortFunc(d.TopTypes, func(a, b typeCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Type, b.Type))
	})
	d.TopTypes = d.TopTypes[:min(10, len(d.TopTypes))]
	d.Scores, _, _ = matrix(cells, "", false)
	d.Fresh = fresh
	d.IngestRuns = readIngestRuns(s.o.Lake, 10)
	s.render(w, r, http.StatusOK, "overview", d)
}
