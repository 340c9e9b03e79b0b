package lake

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/parquet-go/parquet-go"
)

// Engine answers SQL over a lake with embedded DuckDB, as Athena would:
// tables live in the auditing schema, partition columns are VARCHAR so that
// date > '2020-10' compares strings and prunes partitions, and common
// Trino functions work unchanged. Tables appear as soon as their first
// files are committed, without reopening the engine. Safe for concurrent
// use.
type Engine struct {
	dir string
	db  *sql.DB

	mu    sync.Mutex
	ready map[string]bool // table -> view reads the table's files
}

// tableDef describes how a table is exposed.
type tableDef struct {
	name  string
	dir   string                 // directory in the lake when it differs from name
	empty func() ([]byte, error) // a zero-row Parquet file with the table's schema
	// snapshot: the table is unpartitioned files directly in its
	// directory, without partition columns (findings).
	snapshot bool
	// localOnly tables are written to local lakes only (configuration
	// items, compliance results), so they have no Athena DDL yet.
	localOnly bool
}

var tables = []tableDef{
	{name: TableCloudTrail, empty: emptyParquet[ctRow]},
	{name: TableFlowLogs, empty: emptyParquet[flowRow]},
	{name: TableFindings, empty: emptyParquet[findingRow], snapshot: true},
	{name: TableConfigItems, dir: configDir, empty: emptyParquet[configRow], localOnly: true},
	{name: TableCompliance, empty: emptyParquet[complianceRow], localOnly: true},
	{name: TableBaselineStatus, empty: emptyParquet[baselineStatusRow], snapshot: true, localOnly: true},
}

// TableBaselineStatus holds `vigil baseline status` runs: one file per run
// in <lake>/baseline_status/, written by package baseline.
const TableBaselineStatus = "baseline_status"

// baselineStatusRow is the schema of auditing.baseline_status (package
// baseline writes the files; this copy only defines the empty table).
type baselineStatusRow struct {
	Account   string    `parquet:"account,dict"`
	Region    string    `parquet:"region,dict"`
	Control   string    `parquet:"control,dict"`
	Status    string    `parquet:"status,dict"`
	Detail    string    `parquet:"detail"`
	CheckedAt time.Time `parquet:"checked_at,timestamp(millisecond)"`
}

// path returns the table's directory relative to the lake.
func (t tableDef) path() string {
	if t.dir != "" {
		return t.dir
	}
	return t.name
}

// OpenEngine opens a query engine over the lake at dir. The lake need not
// exist yet: its tables are then empty.
func OpenEngine(ctx context.Context, dir string) (*Engine, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// Session settings and the Trino macros (TEMP, so per connection) are
	// applied to every connection the pool opens.
	session := append([]string{"SET TimeZone = 'UTC'", "SET integer_division = true", "SET parquet_metadata_cache = true"}, trinoMacros...)
	connector, err := duckdb.NewConnector("", func(ex driver.ExecerContext) error {
		for _, q := range session {
			if _, err := ex.ExecContext(ctx, q, nil); err != nil {
				return fmt.Errorf("prepare connection: %s: %w", firstLine(q), err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	e := &Engine{dir: dir, db: sql.OpenDB(connector), ready: map[string]bool{}}
	if _, err := e.db.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS auditing"); err != nil {
		e.Close()
		return nil, fmt.Errorf("prepare engine: %w", err)
	}
	for _, t := range tables {
		if err := e.createEmpty(ctx, t); err != nil {
			e.Close()
			return nil, err
		}
	}
	if _, err := e.db.ExecContext(ctx, configChangesView); err != nil {
		e.Close()
		return nil, fmt.Errorf("define config_changes: %w", err)
	}
	if err := e.refresh(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// configChangesView answers "what changed, when" like Config's resource
// history: one row per item whose state differs from the same resource's
// previous item (CREATE for the first, DELETE for a deletion), with the
// previous configuration beside the new one. Vigil's own bookkeeping types
// are left out.
const configChangesView = `CREATE OR REPLACE VIEW auditing.config_changes AS
SELECT account, aws_region AS region, resource_type, resource_id, resource_name, arn,
       configuration_item_capture_time AS changed_at,
       prev_capture_time AS previous_capture_time,
       CASE WHEN prev_hash IS NULL THEN 'CREATE'
            WHEN configuration_item_status IN ('ResourceDeleted', 'ResourceDeletedNotRecorded') THEN 'DELETE'
            ELSE 'UPDATE' END AS change_type,
       configuration_item_status AS status, configuration, prev_configuration AS previous_configuration,
       snapshot_id, source
FROM (
	SELECT *, lag(configuration_hash) OVER w AS prev_hash, lag(configuration) OVER w AS prev_configuration,
	       lag(configuration_item_capture_time) OVER w AS prev_capture_time
	FROM auditing.config_items
	WHERE resource_type NOT LIKE 'Vigil::%'
	WINDOW w AS (PARTITION BY account_id, aws_region, resource_type, resource_id
	             ORDER BY configuration_item_capture_time, configuration_state_id)
)
WHERE prev_hash IS NULL OR prev_hash <> configuration_hash`

// Close releases the engine.
func (e *Engine) Close() error { return e.db.Close() }

// createEmpty defines auditing._empty_<table> and a view over it, used
// until the table's first files exist (DuckDB's read_parquet fails on a
// glob matching nothing).
func (e *Engine) createEmpty(ctx context.Context, t tableDef) error {
	b, err := t.empty()
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "vigil-schema-*.parquet")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	partCols := ", NULL::VARCHAR AS account, NULL::VARCHAR AS region, NULL::VARCHAR AS date"
	if t.snapshot {
		partCols = ""
	}
	q := fmt.Sprintf(`CREATE TABLE auditing._empty_%[1]s AS
		SELECT *%[3]s
		FROM read_parquet(%[2]s) LIMIT 0;
		CREATE OR REPLACE VIEW auditing.%[1]s AS SELECT * FROM auditing._empty_%[1]s`, t.name, quote(f.Name()), partCols)
	if _, err := e.db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("define table %s: %w", t.name, err)
	}
	return nil
}

// refresh points each table's view at its files once they exist.
func (e *Engine) refresh(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range tables {
		if e.ready[t.name] || !hasFiles(filepath.Join(e.dir, t.path())) {
			continue
		}
		q := fmt.Sprintf(`CREATE OR REPLACE VIEW auditing.%s AS SELECT * FROM read_parquet(%s,
			hive_partitioning = true,
			hive_types = {'account': VARCHAR, 'region': VARCHAR, 'date': VARCHAR})`,
			t.name, quote(filepath.Join(e.dir, t.path(), "*", "*", "*", "*.parquet")))
		if t.snapshot {
			q = fmt.Sprintf(`CREATE OR REPLACE VIEW auditing.%s AS SELECT * FROM read_parquet(%s)`,
				t.name, quote(filepath.Join(e.dir, t.path(), "*.parquet")))
		}
		if _, err := e.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("define table %s: %w", t.name, err)
		}
		e.ready[t.name] = true
	}
	return nil
}

// hasFiles reports whether a table directory holds a Parquet file in the
// partition layout.
func hasFiles(dir string) bool {
	found := errors.New("found")
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(path, ".parquet") {
			return found
		}
		return nil
	})
	return err == found
}

// Result is a query's answer, held in memory.
type Result struct {
	Columns []string
	Types   []string
	Rows    [][]any
	// Truncated is set when the row limit cut the result.
	Truncated bool
}

// Query runs one SQL statement (Trino syntax accepted) and returns at most
// maxRows rows (0: no limit).
func (e *Engine) Query(ctx context.Context, q string, maxRows int) (*Result, error) {
	if err := e.refresh(ctx); err != nil {
		return nil, err
	}
	rows, err := e.db.QueryContext(ctx, rewriteTrino(q))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	res := &Result{}
	if res.Columns, err = rows.Columns(); err != nil {
		return nil, err
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	for _, ct := range cts {
		res.Types = append(res.Types, ct.DatabaseTypeName())
	}
	for rows.Next() {
		if maxRows > 0 && len(res.Rows) == maxRows {
			res.Truncated = true
			break
		}
		vals := make([]any, len(res.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

func emptyParquet[T any]() ([]byte, error) {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf)
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// quote returns s as a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
