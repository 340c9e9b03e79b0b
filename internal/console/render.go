package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/vigil"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticHandler serves the embedded CSS, script and icons; they change
// only with the binary, so browsers may keep them for a day.
func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic("BUG: embedded static files: " + err.Error())
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}

// pages are the parsed templates, one set per page.
type pages struct {
	t map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	"sevClass": func(label string) string { return "sev-" + strings.ToLower(label) },
	"sevMark":  sevMark,
	"statusClass": func(status string) string {
		return "st-" + strings.ToLower(strings.ReplaceAll(status, "_", "-"))
	},
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"isoTime": func(s string) string { // a finding's ISO-8601 time, shortened
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		return s
	},
	"pct": func(a, b int) string {
		if b == 0 {
			return "—"
		}
		return strconv.Itoa(int(math.Floor(100*float64(a)/float64(b)))) + "%"
	},
	"json": func(v any) string {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	},
	"pctNum": func(a, b int) int {
		if b == 0 {
			return 0
		}
		return 100 * a / b
	},
	"lower":  strings.ToLower,
	"list":   func(v ...string) []string { return v },
	"cell":   cellText,
	"join":   strings.Join,
	"add":    func(a, b int) int { return a + b },
	"sqlURL": func(q string) string { return "/sql?sql=" + url.QueryEscape(q) },
	"investigateURL": func(q string) string {
		return "/investigate?q=" + url.QueryEscape(q)
	},
}

// sevMark is a shape per severity band, so that severity never rests on
// colour alone.
func sevMark(label string) string {
	switch strings.ToLower(label) {
	case "critical":
		return "◆"
	case "high":
		return "▲"
	case "medium":
		return "■"
	case "low":
		return "●"
	}
	return "○"
}

func parsePages() (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{t: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("BUG: template %s: %w", n, err)
		}
		p.t[name] = t
	}
	return p, nil
}

// view is what every page template gets: the page's own data in Data,
// and the signed-in user, the CSRF token and helpers for the layout.
type view struct {
	Page  string
	User  string
	Role  Role
	CSRF  string
	Data  any
	now   time.Time
	query url.Values
	path  string
}

// Admin reports whether the user may change things.
func (v view) Admin() bool { return v.Role == RoleAdmin }

// Ago says how long ago t was, roughly.
func (v view) Ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := v.now.Sub(t)
	switch {
	case d < 0:
		return "in the future"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// Age grades how old t is: "fresh" (within 2 hours), "late" (within a
// day) or "stale".
func (v view) Age(t time.Time) string {
	d := v.now.Sub(t)
	switch {
	case t.IsZero():
		return "stale"
	case d <= 2*time.Hour:
		return "fresh"
	case d <= 24*time.Hour:
		return "late"
	}
	return "stale"
}

// With returns the current page's URL with query parameters changed
// (pairs of name, value; an empty value removes the parameter).
func (v view) With(kv ...any) template.URL {
	q := url.Values{}
	for k, vs := range v.query {
		q[k] = vs
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k, val := fmt.Sprint(kv[i]), fmt.Sprint(kv[i+1])
		if val == "" {
			q.Del(k)
		} else {
			q.Set(k, val)
		}
	}
	return template.URL(v.path + "?" + q.Encode())
}

// Q returns a query parameter of the current page.
func (v view) Q(name string) string { return v.query.Get(name) }

// render writes a page; a template error becomes a 500 (never half a
// page).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages.t[name]
	if !ok {
		panic("BUG: no template " + name)
	}
	p := who(r)
	v := view{Page: name, User: p.user, Role: p.role, CSRF: p.csrf, Data: data, now: s.o.Now(), query: r.URL.Query(), path: r.URL.Path}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error rendering the page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage shows a message with a status.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", map[string]any{"Status": status, "StatusText": http.StatusText(status), "Message": msg})
}

// fail shows an error that happened while answering: not found, a query
// the sandbox refused or that failed, or an internal error (logged).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := s.classify(r, err)
	s.errorPage(w, r, status, msg)
}

// classify maps an error to a status and a message safe to show.
func (s *Server) classify(r *http.Request, err error) (int, string) {
	var se *lake.SandboxError
	switch {
	case errors.Is(err, vigil.ErrNotFound):
		return http.StatusNotFound, err.Error()
	case errors.As(err, &se), isInputError(err):
		return http.StatusBadRequest, err.Error()
	case r.Context().Err() != nil:
		return http.StatusServiceUnavailable, "the request was cancelled"
	}
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, "Internal error: " + err.Error()
}
