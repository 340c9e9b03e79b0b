package console

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// reportRun is one audit run's report folder.
type reportRun struct {
	ID       string
	Modified time.Time
	Files    []string
	// Counts are the results by status, from results.json (nil when it
	// is missing or unreadable).
	Counts map[string]int
}

// reportsData is the reports page's data.
type reportsData struct {
	Dir   string
	Runs  []reportRun
	Error string
}

var runID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// maxResultsBytes bounds the results.json read for a run's counts.
const maxResultsBytes = 256 << 20

// reportCounts caches results.json summaries by path and modification.
type reportCounts struct {
	mu sync.Mutex
	m  map[string]countsEntry
}

type countsEntry struct {
	stamp  fileStamp
	counts map[string]int
}

func (rc *reportCounts) get(file string) map[string]int {
	st := stampOf(file)
	if !st.ok || st.size > maxResultsBytes {
		return nil
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if e, ok := rc.m[file]; ok && e.stamp == st {
		return e.counts
	}
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var results []struct {
		Status string `json:"status"`
		Muted  bool   `json:"muted"`
	}
	if err := json.NewDecoder(io.LimitReader(f, maxResultsBytes)).Decode(&results); err != nil {
		return nil
	}
	counts := map[string]int{}
	for _, r := range results {
		if r.Muted {
			counts["MUTED"]++
		} else {
			counts[strings.ToUpper(r.Status)]++
		}
	}
	if rc.m == nil {
		rc.m = map[string]countsEntry{}
	}
	rc.m[file] = countsEntry{stamp: st, counts: counts}
	return counts
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	d := reportsData{Dir: s.o.Reports}
	if s.o.Reports == "" {
		s.render(w, r, http.StatusOK, "reports", d)
		return
	}
	entries, err := os.ReadDir(s.o.Reports)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.Error = err.Error()
	}
	for _, e := range entries {
		if !e.IsDir() || !runID.MatchString(e.Name()) {
			continue
		}
		dir := filepath.Join(s.o.Reports, e.Name())
		run := reportRun{ID: e.Name()}
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			if f.Type().IsRegular() {
				run.Files = append(run.Files, f.Name())
			}
		}
		if !slices.Contains(run.Files, "index.html") && !slices.Contains(run.Files, "results.json") {
			continue
		}
		if info, err := e.Info(); err == nil {
			run.Modified = info.ModTime()
		}
		run.Counts = s.reportCounts.get(filepath.Join(dir, "results.json"))
		d.Runs = append(d.Runs, run)
	}
	slices.SortFunc(d.Runs, func(a, b reportRun) int { return b.Modified.Compare(a.Modified) })
	s.render(w, r, http.StatusOK, "reports", d)
}

// reportFile serves a file of a run's report folder, confined to it
// (os.Root refuses .. and symbolic links that leave it). The report's own
// page runs its inline script in a sandbox with an opaque origin: it
// cannot read the console's pages or call it with the user's cookies.
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request) {
	run, file := r.PathValue("run"), r.PathValue("file")
	if file == "" {
		file = "index.html"
	}
	if s.o.Reports == "" || !runID.MatchString(run) || !fs.ValidPath(file) {
		s.errorPage(w, r, http.StatusNotFound, "No such report file.")
		return
	}
	root, err := os.OpenRoot(filepath.Join(s.o.Reports, run))
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, "No such report: "+run+".")
		return
	}
	defer root.Close()
	f, err := root.Open(file)
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, "No such report file: "+run+"/"+file+".")
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		s.errorPage(w, r, http.StatusNotFound, "No such report file: "+run+"/"+file+".")
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "sandbox allow-scripts allow-downloads; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:")
	switch path.Ext(file) {
	case ".html":
		h.Set("Content-Type", "text/html; charset=utf-8")
	case ".json":
		h.Set("Content-Type", "application/json")
	case ".csv":
		h.Set("Content-Type", "text/csv; charset=utf-8")
	default:
		h.Set("Content-Type", "application/octet-stream")
	}
	if path.Ext(file) != ".html" {
		h.Set("Content-Disposition", `attachment; filename="`+path.Base(file)+`"`)
	}
	http.ServeContent(w, r, "", info.ModTime(), f)
}
