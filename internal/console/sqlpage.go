package console

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/internal/queries"
)

// sqlPageRows is the SQL page's page size.
const sqlPageRows = 100

// sqlData is the SQL page's data.
type sqlData struct {
	SQL     string
	Saved   []queries.Query
	Query   *queries.Query // the saved query chosen
	Params  map[string]string
	Ran     bool
	Columns []string
	Rows    [][]any
	// First is the 1-based number of the first row shown; Total the rows
	// counted (all of them unless Truncated).
	First, Total int
	Page, Last   int
	Truncated    bool
	Limit        int
	Duration     time.Duration
	Error        string
	History      []historyEntry
}

func (s *Server) sqlPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := sqlData{SQL: q.Get("sql"), Saved: queries.All(), Params: map[string]string{}, Limit: s.o.Sandbox.Limits().MaxRows}
	status := http.StatusOK
	if name := q.Get("saved"); name != "" {
		sq, err := queries.Get(name)
		if err != nil {
			d.Error = err.Error()
			status = http.StatusNotFound
		} else {
			d.Query = &sq
			for _, p := range sq.Params {
				if v := q.Get("param." + p.Name); v != "" {
					d.Params[p.Name] = v
				}
			}
			if d.SQL == "" {
				if bound, err := sq.Bind(d.Params); err == nil {
					d.SQL = bound
				} else {
					d.SQL = sq.SQL // show it with its placeholders; the form asks for the values
					if len(d.Params) > 0 {
						d.Error = err.Error()
					}
				}
			}
		}
	}
	if strings.TrimSpace(d.SQL) != "" && d.Error == "" && (d.Query == nil || !strings.Contains(d.SQL, "{{")) {
		d.Ran = true
		d.Page = max(1, atoi(q.Get("page")))
		start := time.Now()
		err := s.runPage(r.Context(), &d)
		d.Duration = time.Since(start).Round(time.Millisecond)
		if err != nil {
			status, d.Error = s.queryError(r, err)
		}
		if d.Page == 1 {
			s.history.add(s.o.Lake, who(r).user, historyEntry{SQL: d.SQL, At: s.o.Now().UTC(), Rows: d.Total, Truncated: d.Truncated,
				Millis: d.Duration.Milliseconds(), Error: d.Error})
		}
	}
	d.History = s.history.list(s.o.Lake, who(r).user)
	s.render(w, r, status, "sql", d)
}

// runPage runs d.SQL and keeps the rows of page d.Page, counting the rest
// up to the row limit.
func (s *Server) runPage(ctx context.Context, d *sqlData) error {
	skip := (d.Page - 1) * sqlPageRows
	n := 0
	truncated, err := s.data.sb.Stream(ctx, d.SQL, 0, func(cols, _ []string) error {
		d.Columns = cols
		return nil
	}, func(row []any) error {
		if n >= skip && n < skip+sqlPageRows {
			d.Rows = append(d.Rows, row)
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	d.Total, d.Truncated = n, truncated
	d.Last = max(1, (n+sqlPageRows-1)/sqlPageRows)
	if len(d.Rows) > 0 {
		d.First = skip + 1
	}
	return nil
}

// sqlDownload streams a query's result as CSV or JSON, up to
// DownloadRows rows. The response starts only once the query has
// produced its columns, so that a refused or failing query is an error
// page; a failure while streaming aborts the response.
func (s *Server) sqlDownload(w http.ResponseWriter, r *http.Request) {
	q, format := r.URL.Query().Get("sql"), r.URL.Query().Get("format")
	if format != "csv" && format != "json" {
		s.errorPage(w, r, http.StatusBadRequest, "format: want csv or json")
		return
	}
	started := false
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	var cols []string
	n := 0
	truncated, err := s.data.sb.Stream(r.Context(), q, s.o.DownloadRows, func(c, _ []string) error {
		cols, started = c, true
		name := "vigil-query-" + s.o.Now().UTC().Format("20060102-150405") + "." + format
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		if format == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			return cw.Write(cols)
		}
		w.Header().Set("Content-Type", "application/json")
		_, err := bw.WriteString("[")
		return err
	}, func(row []any) error {
		defer func() { n++ }()
		if format == "csv" {
			rec := make([]string, len(row))
			for i, v := range row {
				rec[i] = csvSafe(v, cellText(v))
			}
			return cw.Write(rec)
		}
		obj := make(map[string]any, len(cols))
		for i, c := range cols {
			obj[c] = jsonValue(row[i])
		}
		b, err := json.Marshal(orderedRow{cols: cols, vals: obj})
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		if !started {
			status, msg := s.queryError(r, err)
			s.errorPage(w, r, status, msg)
			return
		}
		s.log.Warn("download stopped", "err", err, "rows", n)
		panic(http.ErrAbortHandler) // the client sees a failed download, not a short one
	}
	if format == "csv" {
		cw.Flush()
	} else {
		bw.WriteString("\n]\n")
	}
	if err := bw.Flush(); err != nil {
		return
	}
	if truncated {
		s.log.Info("download cut at the row limit", "rows", n)
	}
	s.history.add(s.o.Lake, who(r).user, historyEntry{SQL: q, At: s.o.Now().UTC(), Rows: n, Truncated: truncated, Download: format})
}

// orderedRow marshals as a JSON object with keys in column order.
type orderedRow struct {
	cols []string
	vals map[string]any
}

func (o orderedRow) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, c := range o.cols {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(c)
		v, err := json.Marshal(o.vals[c])
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c, err)
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// historyFile keeps each user's latest queries.
const historyFile = "_vigil/console/history.json"

// maxHistory is how many queries each user's history keeps.
const maxHistory = 50

type historyEntry struct {
	SQL       string    `json:"sql"`
	At        time.Time `json:"at"`
	Rows      int       `json:"rows"`
	Truncated bool      `json:"truncated,omitempty"`
	Millis    int64     `json:"ms"`
	Error     string    `json:"error,omitempty"`
	Download  string    `json:"download,omitempty"`
}

// history is the query history, loaded once and written on each change.
type history struct {
	mu     sync.Mutex
	loaded bool
	users  map[string][]historyEntry
}

func (h *history) load(lakeDir string) {
	if h.loaded {
		return
	}
	h.loaded = true
	h.users = map[string][]historyEntry{}
	b, err := os.ReadFile(filepath.Join(lakeDir, historyFile))
	if err == nil {
		json.Unmarshal(b, &h.users) // a damaged history is started afresh
	}
}

func (h *history) add(lakeDir, user string, e historyEntry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.load(lakeDir)
	list := append([]historyEntry{e}, h.users[user]...)
	h.users[user] = list[:min(len(list), maxHistory)]
	b, err := json.Marshal(h.users)
	if err != nil {
		return
	}
	path := filepath.Join(lakeDir, historyFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return
	}
	writeAtomic(path, b) // the history is a convenience: a failed write loses only it
}

func (h *history) list(lakeDir, user string) []historyEntry {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.load(lakeDir)
	return h.users[user]
}
