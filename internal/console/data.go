package console

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/internal/console/triage"
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// store reads the lake for the pages, through the SQL sandbox only, and
// caches what is costly until the lake changes: a commit (ingest,
// inventory, compliance) touches the journal directory, a detection run
// replaces the findings file, and the triage file changes with every
// archive or rule.
type store struct {
	dir string
	sb  *lake.Sandbox

	findings   cached[[]storedFinding]
	compliance cached[[]complianceCell]
	fresh      cached[[]freshness]
	triage     cached[*triage.State]
}

// cached holds one value and the version of the lake it was computed at.
type cached[T any] struct {
	mu      sync.Mutex
	version string
	v       T
}

// get returns the value for version, computing it when the version
// changed. Concurrent callers wait for one computation.
func (c *cached[T]) get(version string, load func() (T, error)) (T, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version == version && version != "" {
		return c.v, nil
	}
	v, err := load()
	if err != nil {
		var zero T
		return zero, err
	}
	c.v, c.version = v, version
	return v, nil
}

func (st *store) stamp(rel string) string {
	s := stampOf(filepath.Join(st.dir, rel))
	return fmt.Sprintf("%d/%d/%v", s.mod.UnixNano(), s.size, s.ok)
}

// tablesVersion changes with every committed transaction.
func (st *store) tablesVersion() string {
	return st.stamp("_vigil/journal") + "|" + st.stamp("_vigil/sources.log")
}

func (st *store) findingsVersion() string { return st.stamp("findings/findings.parquet") }

// storedFinding is a finding as stored and its JSON text (searched by
// the investigation page).
type storedFinding struct {
	vigil.Finding
	raw string
}

// findingView is a finding with its effective archive state.
type findingView struct {
	*vigil.Finding
	raw      string
	Archived bool
	// Why says who or what archived it (or unarchived it).
	Why string
}

func (st *store) triageState() (*triage.State, error) {
	return st.triage.get(st.stamp(triage.File), func() (*triage.State, error) { return triage.Load(st.dir) })
}

// allFindings returns every finding, highest severity first, with its
// archive state.
func (st *store) allFindings(ctx context.Context) ([]findingView, error) {
	stored, err := st.findings.get(st.findingsVersion(), func() ([]storedFinding, error) {
		var out []storedFinding
		_, err := st.sb.Stream(ctx, "SELECT finding FROM auditing.findings", math.MaxInt, func([]string, []string) error { return nil },
			func(row []any) error {
				s, _ := row[0].(string)
				var f storedFinding
				if err := json.Unmarshal([]byte(s), &f.Finding); err != nil {
					return fmt.Errorf("read findings: %w", err)
				}
				f.raw = s
				out = append(out, f)
				return nil
			})
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(out, func(a, b storedFinding) int {
			return cmp.Or(cmp.Compare(b.Severity, a.Severity), strings.Compare(b.Service.EventLastSeen, a.Service.EventLastSeen), strings.Compare(a.ID, b.ID))
		})
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	ts, err := st.triageState()
	if err != nil {
		return nil, err
	}
	views := make([]findingView, len(stored))
	for i := range stored {
		f := &stored[i].Finding
		archived, why := ts.Archived(f)
		views[i] = findingView{Finding: f, raw: stored[i].raw, Archived: archived, Why: why}
	}
	return views, nil
}

// finding returns one finding by ID.
func (st *store) finding(ctx context.Context, id string) (findingView, error) {
	all, err := st.allFindings(ctx)
	if err != nil {
		return findingView{}, err
	}
	for _, f := range all {
		if f.ID == id {
			return f, nil
		}
	}
	return findingView{}, fmt.Errorf("finding %s: %w", id, vigil.ErrNotFound)
}

// findingsMentioning returns the findings whose JSON contains term.
func (st *store) findingsMentioning(ctx context.Context, term string) ([]findingView, error) {
	all, err := st.allFindings(ctx)
	if err != nil {
		return nil, err
	}
	var out []findingView
	for _, f := range all {
		if strings.Contains(f.raw, term) {
			out = append(out, f)
		}
	}
	return out, nil
}

// findingFilter selects findings, as the findings page and the API take it.
type findingFilter struct {
	Types    []string // '*' wildcards
	Severity vigil.Severity
	Account  string
	Region   string
	Since    string // first day of last activity, YYYY-MM-DD
	Until    string // last day
	// Archived is "" (active findings), "archived" or "all".
	Archived string
}

func (ff findingFilter) match(f findingView) bool {
	last := f.Service.EventLastSeen
	switch {
	case ff.Archived == "" && f.Archived, ff.Archived == "archived" && !f.Archived,
		len(ff.Types) > 0 && !slices.ContainsFunc(ff.Types, func(p string) bool { return detect.Wildcard(p, f.Type) }),
		f.Severity < ff.Severity,
		ff.Account != "" && f.AccountID != ff.Account,
		ff.Region != "" && f.Region != ff.Region,
		ff.Since != "" && last < ff.Since,
		ff.Until != "" && last[:min(len(last), 10)] > ff.Until:
		return false
	}
	return true
}

// complianceCell is one account's results of one check, in the account's
// latest evaluation run.
type complianceCell struct {
	Account, CheckID, Title, Service, Severity string
	Frameworks                                 map[string][]string
	Pass, Fail, Error, Other, Muted            int
	RunID                                      string
	Evaluated                                  time.Time
}

// Status sums the cell up: FAIL if a resource fails, PASS if one passes
// and none fails, ERROR, MUTED or the other statuses otherwise.
func (c complianceCell) Status() string {
	switch {
	case c.Fail > 0:
		return "FAIL"
	case c.Pass > 0:
		return "PASS"
	case c.Error > 0:
		return "ERROR"
	case c.Muted > 0 && c.Other == 0:
		return "MUTED"
	}
	return "OTHER"
}

// latestRuns selects each account's latest compliance run.
const latestRuns = `latest AS (
	SELECT account, arg_max(run_id, evaluated_at) AS run_id FROM auditing.compliance GROUP BY account)`

func (st *store) complianceCells(ctx context.Context) ([]complianceCell, error) {
	return st.compliance.get(st.tablesVersion(), func() ([]complianceCell, error) {
		res, err := st.query(ctx, `WITH `+latestRuns+`
			SELECT c.account, c.check_id, any_value(c.title), any_value(c.service), any_value(c.severity),
				CAST(to_json(any_value(c.frameworks)) AS VARCHAR),
				count(*) FILTER (WHERE c.status = 'PASS' AND NOT c.muted),
				count(*) FILTER (WHERE c.status = 'FAIL' AND NOT c.muted),
				count(*) FILTER (WHERE c.status = 'ERROR' AND NOT c.muted),
				count(*) FILTER (WHERE c.status NOT IN ('PASS', 'FAIL', 'ERROR') AND NOT c.muted),
				count(*) FILTER (WHERE c.muted),
				any_value(c.run_id), max(c.evaluated_at)
			FROM auditing.compliance c JOIN latest l ON c.account = l.account AND c.run_id = l.run_id
			GROUP BY c.account, c.check_id
			ORDER BY c.check_id, c.account
			LIMIT 1000000`)
		if err != nil {
			return nil, fmt.Errorf("compliance summary: %w", err)
		}
		out := make([]complianceCell, 0, len(res.Rows))
		for _, r := range res.Rows {
			c := complianceCell{Account: str(r[0]), CheckID: str(r[1]), Title: str(r[2]), Service: str(r[3]), Severity: str(r[4]),
				Pass: num(r[6]), Fail: num(r[7]), Error: num(r[8]), Other: num(r[9]), Muted: num(r[10]), RunID: str(r[11])}
			if s := str(r[5]); s != "" && s != "null" {
				if err := json.Unmarshal([]byte(s), &c.Frameworks); err != nil {
					return nil, fmt.Errorf("compliance summary: check %s frameworks: %w", c.CheckID, err)
				}
			}
			c.Evaluated, _ = r[12].(time.Time)
			out = append(out, c)
		}
		return out, nil
	})
}

// freshness is the latest data of one account and region.
type freshness struct {
	Account, Region string
	LastEvent       time.Time // CloudTrail eventTime
	LastFlow        time.Time // flow-log record end
}

// latestPartitions returns the newest date partition of each account
// and region of a table, from the lake's directory names (cheaper than
// asking DuckDB, which opens every file for its partition values).
func (st *store) latestPartitions(table string) map[[2]string]string {
	out := map[[2]string]string{}
	accounts, _ := os.ReadDir(filepath.Join(st.dir, table))
	for _, a := range accounts {
		acct, ok := strings.CutPrefix(a.Name(), "account=")
		if !ok || !a.IsDir() {
			continue
		}
		regions, _ := os.ReadDir(filepath.Join(st.dir, table, a.Name()))
		for _, r := range regions {
			region, ok := strings.CutPrefix(r.Name(), "region=")
			if !ok || !r.IsDir() {
				continue
			}
			dates, _ := os.ReadDir(filepath.Join(st.dir, table, a.Name(), r.Name()))
			for _, d := range dates {
				if date, ok := strings.CutPrefix(d.Name(), "date="); ok && d.IsDir() && date > out[[2]string{acct, region}] {
					out[[2]string{acct, region}] = date
				}
			}
		}
	}
	return out
}

// freshnessRows finds the latest event and flow record of every account
// and region: the newest date partitions from the directory tree, then the
// newest time within those partitions only.
func (st *store) freshnessRows(ctx context.Context) ([]freshness, error) {
	return st.fresh.get(st.tablesVersion(), func() ([]freshness, error) {
		rows := map[[2]string]*freshness{}
		row := func(k [2]string) *freshness {
			if rows[k] == nil {
				rows[k] = &freshness{Account: k[0], Region: k[1]}
			}
			return rows[k]
		}
		for _, src := range []struct{ table, latest string }{
			{lake.TableCloudTrail, "max(eventtime)"},
			{lake.TableFlowLogs, `max("end")`},
		} {
			parts := st.latestPartitions(src.table)
			if len(parts) == 0 {
				continue
			}
			var dates, keys []string
			for k, d := range parts {
				dates = append(dates, sqlString(d))
				keys = append(keys, sqlString(k[0]+"/"+k[1]+"/"+d))
			}
			slices.Sort(dates)
			dates = slices.Compact(dates)
			res, err := st.query(ctx, fmt.Sprintf(`SELECT account, region, %s FROM auditing.%s
				WHERE date IN (%s) AND account || '/' || region || '/' || date IN (%s)
				GROUP BY ALL LIMIT 100000`, src.latest, src.table, strings.Join(dates, ", "), strings.Join(keys, ", ")))
			if err != nil {
				return nil, fmt.Errorf("data freshness: %w", err)
			}
			for _, r := range res.Rows {
				f := row([2]string{str(r[0]), str(r[1])})
				switch v := r[2].(type) {
				case string:
					f.LastEvent, _ = time.Parse(time.RFC3339Nano, v)
				case int64:
					f.LastFlow = time.Unix(v, 0).UTC()
				}
			}
		}
		out := make([]freshness, 0, len(rows))
		for _, f := range rows {
			out = append(out, *f)
		}
		slices.SortFunc(out, func(a, b freshness) int {
			return cmp.Or(strings.Compare(a.Account, b.Account), strings.Compare(a.Region, b.Region))
		})
		return out, nil
	})
}

// query runs one of the console's own queries, which bound their rows
// with LIMIT, so that the sandbox's row limit (set for users' SQL) does
// not cut them.
func (st *store) query(ctx context.Context, q string, args ...any) (*lake.Result, error) {
	res := &lake.Result{}
	truncated, err := st.sb.Stream(ctx, q, math.MaxInt, func(cols, types []string) error {
		res.Columns, res.Types = cols, types
		return nil
	}, func(row []any) error {
		res.Rows = append(res.Rows, row)
		return nil
	}, args...)
	res.Truncated = truncated
	return res, err
}

// str returns a query value as text.
func str(v any) string { return cellText(v) }

// num returns a query value as an int.
func num(v any) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case int32:
		return int(x)
	case uint64:
		return int(x)
	case float64:
		return int(x)
	}
	return 0
}
