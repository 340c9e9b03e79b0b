package lake

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// SandboxLimits bound what the SQL of a Sandbox may use.
type SandboxLimits struct {
	// Timeout is the longest a statement may run, result streaming
	// included (default 30 s).
	Timeout time.Duration
	// MaxRows is the most rows a statement returns (default 10 000);
	// Stream may be given a different cap.
	MaxRows int
	// Conns is how many statements run at once (default 4); more wait
	// for a free connection, within their Timeout.
	Conns int
}

func (l SandboxLimits) withDefaults() SandboxLimits {
	if l.Timeout <= 0 {
		l.Timeout = 30 * time.Second
	}
	if l.MaxRows <= 0 {
		l.MaxRows = 10_000
	}
	if l.Conns <= 0 {
		l.Conns = 4
	}
	return l
}

// Sandbox answers untrusted SQL over a lake: a query typed into the web
// console or sent to its API. It is an Engine of its own (a separate
// in-memory DuckDB, never a writer's) locked down so that:
//
//   - DuckDB may only open files under the lake's table directories
//     (allowed_directories, external access off): read_csv('/etc/passwd'),
//     glob('/etc/*') and the lake's own _vigil bookkeeping are refused;
//   - its configuration is locked, so no SET, INSTALL or LOAD undoes that;
//   - every statement must be exactly one read-only query, as DuckDB's own
//     parser sees it (json_serialize_sql only serializes SELECT
//     statements): COPY, ATTACH, CREATE, INSERT, PRAGMA, SET, EXPORT… and
//     several statements at once are refused before anything runs;
//   - table functions must be on an allow list (reading, generating and
//     catalog functions) and the few functions with side effects
//     (enable_logging, enable_profiling, query, write_log, sleep_ms…) are
//     refused;
//   - every statement runs under a time limit and returns at most a
//     number of rows.
//
// Refusals are *SandboxError values. A Sandbox is safe for concurrent use.
type Sandbox struct {
	e   *Engine
	lim SandboxLimits
	tmp string // DuckDB's spill directory, private to this sandbox
}

// SandboxError is a statement the sandbox refused to run.
type SandboxError struct {
	// Reason says what is not allowed, for the person who typed the SQL.
	Reason string
}

func (e *SandboxError) Error() string { return "refused by the SQL sandbox: " + e.Reason }

func refuse(format string, args ...any) error {
	return &SandboxError{Reason: fmt.Sprintf(format, args...)}
}

// sandboxSession are the settings of every sandbox connection: those of
// OpenEngine, made global before the configuration is locked so that a
// connection opened later inherits them instead of setting them.
var sandboxSession = []struct{ name, value string }{
	{"TimeZone", "UTC"},
	{"integer_division", "true"},
	{"parquet_metadata_cache", "true"},
}

// OpenSandbox opens a locked-down query engine over the lake at dir (see
// Sandbox). The lake need not exist yet.
func OpenSandbox(ctx context.Context, dir string, lim SandboxLimits) (*Sandbox, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	lim = lim.withDefaults()
	tmp, err := os.MkdirTemp("", "vigil-sandbox-*")
	if err != nil {
		return nil, fmt.Errorf("open sql sandbox: %w", err)
	}
	connector, err := duckdb.NewConnector("", func(ex driver.ExecerContext) error {
		return prepareSandboxConn(ctx, ex)
	})
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("start duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(lim.Conns)
	db.SetMaxIdleConns(lim.Conns)
	s := &Sandbox{e: &Engine{dir: dir, db: db, ready: map[string]bool{}}, lim: lim, tmp: tmp}
	if err := s.setup(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// prepareSandboxConn applies the session settings a connection lacks
// (after the lock, none: they are global by then) and defines the Trino
// macros, which are per connection.
func prepareSandboxConn(ctx context.Context, ex driver.ExecerContext) error {
	for _, st := range sandboxSession {
		q := fmt.Sprintf("SET %s = %s", st.name, quote(st.value))
		// A cheap probe: SET when the value differs, which only happens
		// before the configuration is locked.
		if qr, ok := ex.(driver.QueryerContext); ok {
			if v, err := currentSetting(ctx, qr, st.name); err == nil && strings.EqualFold(v, st.value) {
				continue
			}
		}
		if _, err := ex.ExecContext(ctx, q, nil); err != nil {
			return fmt.Errorf("prepare sandbox connection: %s: %w", q, err)
		}
	}
	for _, q := range trinoMacros {
		if _, err := ex.ExecContext(ctx, q, nil); err != nil {
			return fmt.Errorf("prepare sandbox connection: %s: %w", firstLine(q), err)
		}
	}
	return nil
}

func currentSetting(ctx context.Context, qr driver.QueryerContext, name string) (string, error) {
	rows, err := qr.QueryContext(ctx, "SELECT CAST(current_setting("+quote(name)+") AS VARCHAR)", nil)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		return "", err
	}
	s, _ := v[0].(string)
	return s, nil
}

// setup defines the tables as OpenEngine does, then locks the database.
func (s *Sandbox) setup(ctx context.Context) error {
	e := s.e
	if _, err := e.db.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS auditing"); err != nil {
		return fmt.Errorf("prepare sql sandbox: %w", err)
	}
	for _, t := range tables {
		if err := e.createEmpty(ctx, t); err != nil {
			return err
		}
	}
	if _, err := e.db.ExecContext(ctx, configChangesView); err != nil {
		return fmt.Errorf("define config_changes: %w", err)
	}
	if err := e.refresh(ctx); err != nil {
		return err
	}
	allowed := make([]string, 0, len(tables))
	for _, t := range tables {
		allowed = append(allowed, quote(filepath.Join(e.dir, t.path())+string(filepath.Separator)))
	}
	lock := []string{
		fmt.Sprintf("SET temp_directory = %s", quote(s.tmp)),
		fmt.Sprintf("SET allowed_directories = [%s]", strings.Join(allowed, ", ")),
		"SET enable_external_access = false",
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
	}
	for _, st := range sandboxSession {
		lock = append(lock, fmt.Sprintf("SET GLOBAL %s = %s", st.name, quote(st.value)))
	}
	lock = append(lock, "SET lock_configuration = true")
	for _, q := range lock {
		if _, err := e.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("lock sql sandbox: %s: %w", q, err)
		}
	}
	return nil
}

// Close releases the sandbox.
func (s *Sandbox) Close() error {
	err := s.e.Close()
	return errors.Join(err, os.RemoveAll(s.tmp))
}

// Limits returns the sandbox's limits, defaults filled in.
func (s *Sandbox) Limits() SandboxLimits { return s.lim }

// Query runs one read-only statement (Trino syntax accepted), binding args
// to its ? parameters, and returns at most MaxRows rows (Truncated set when
// the limit cut the result).
func (s *Sandbox) Query(ctx context.Context, q string, args ...any) (*Result, error) {
	res := &Result{}
	truncated, err := s.Stream(ctx, q, 0, func(cols, types []string) error {
		res.Columns, res.Types = cols, types
		return nil
	}, func(row []any) error {
		res.Rows = append(res.Rows, row)
		return nil
	}, args...)
	if err != nil {
		return nil, err
	}
	res.Truncated = truncated
	return res, nil
}

// Stream runs one read-only statement and hands its columns to header,
// then each row to row (a fresh slice each time), stopping after maxRows
// rows (0: MaxRows) and reporting whether rows were left. An error from
// header or row stops the statement and is returned.
func (s *Sandbox) Stream(ctx context.Context, q string, maxRows int, header func(cols, types []string) error, row func([]any) error, args ...any) (truncated bool, err error) {
	if maxRows <= 0 {
		maxRows = s.lim.MaxRows
	}
	ctx, cancel := context.WithTimeout(ctx, s.lim.Timeout)
	defer cancel()
	defer func() {
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = refuse("the statement ran longer than the %s time limit", s.lim.Timeout)
		}
	}()
	if err := s.e.refresh(ctx); err != nil {
		return false, err
	}
	q = rewriteTrino(q)
	if err := s.check(ctx, q); err != nil {
		return false, err
	}
	rows, err := s.e.db.QueryContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return false, err
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		return false, err
	}
	types := make([]string, len(cts))
	for i, ct := range cts {
		types[i] = ct.DatabaseTypeName()
	}
	if err := header(cols, types); err != nil {
		return false, err
	}
	n := 0
	for rows.Next() {
		if n == maxRows {
			return true, nil
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return false, err
		}
		if err := row(vals); err != nil {
			return false, err
		}
		n++
	}
	return false, rows.Err()
}

// Check reports whether the sandbox would run q (a *SandboxError if not,
// or the parser's error), without running it.
func (s *Sandbox) Check(ctx context.Context, q string) error {
	return s.check(ctx, rewriteTrino(q))
}

// check parses q with DuckDB's parser, which serializes only SELECT
// statements, and vets the functions it calls.
func (s *Sandbox) check(ctx context.Context, q string) error {
	if strings.TrimSpace(q) == "" {
		return refuse("no statement given")
	}
	var text string
	if err := s.e.db.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql(CAST(? AS VARCHAR)) AS VARCHAR)", q).Scan(&text); err != nil {
		return fmt.Errorf("parse statement: %w", err)
	}
	var tree struct {
		Error      bool              `json:"error"`
		ErrorType  string            `json:"error_type"`
		Message    string            `json:"error_message"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(text), &tree); err != nil {
		return fmt.Errorf("parse statement: %w", err)
	}
	switch {
	case tree.Error && tree.ErrorType == "not implemented":
		return refuse("only read-only queries (SELECT, WITH … SELECT, FROM …, VALUES, DESCRIBE, SHOW) may run; COPY, ATTACH, INSTALL, LOAD, PRAGMA, SET, CREATE, INSERT, UPDATE, DELETE and the like are not allowed")
	case tree.Error:
		return fmt.Errorf("syntax error: %s", tree.Message)
	case len(tree.Statements) == 0:
		return refuse("no statement given")
	case len(tree.Statements) > 1:
		return refuse("one statement at a time (%d given)", len(tree.Statements))
	}
	var node any
	if err := json.Unmarshal(tree.Statements[0], &node); err != nil {
		return fmt.Errorf("parse statement: %w", err)
	}
	return vetFunctions(node)
}

// sandboxTableFunctions are the table functions untrusted SQL may call:
// reading files (confined to the lake by the file system settings),
// generating rows, and describing the catalog.
var sandboxTableFunctions = setOf(
	"range", "generate_series", "unnest", "glob", "json_each", "json_tree", "repeat", "repeat_row", "summary",
	"read_parquet", "parquet_scan", "parquet_metadata", "parquet_schema", "parquet_file_metadata", "parquet_kv_metadata",
	"read_csv", "read_csv_auto", "sniff_csv", "read_json", "read_json_auto", "read_json_objects", "read_json_objects_auto",
	"read_ndjson", "read_ndjson_auto", "read_ndjson_objects", "read_text", "read_blob",
	"duckdb_columns", "duckdb_tables", "duckdb_views", "duckdb_schemas", "duckdb_functions", "duckdb_types",
	"duckdb_keywords", "duckdb_settings", "duckdb_databases", "duckdb_constraints", "duckdb_indexes",
	"duckdb_dependencies", "duckdb_sequences", "duckdb_memory", "duckdb_temporary_files",
	"pragma_table_info", "pragma_show", "pragma_version", "pragma_platform", "pragma_database_size",
	"pg_timezone_names", "icu_calendar_names", "histogram", "histogram_values",
)

// sandboxDeniedFunctions change the engine's state, run SQL given as text
// (which would escape this check), read raw memory or hold a connection
// idle.
var sandboxDeniedFunctions = setOf(
	"query", "query_table", "json_execute_serialized_sql", "arrow_scan", "arrow_scan_dumb", "seq_scan",
	"enable_logging", "disable_logging", "truncate_duckdb_logs", "write_log",
	"enable_profiling", "disable_profiling", "enable_peg_parser", "disable_peg_parser",
	"checkpoint", "force_checkpoint", "sleep_ms", "pg_sleep",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// vetFunctions walks a serialized statement: every function called must
// not be denied, and every table function must be allowed.
func vetFunctions(node any) error {
	switch n := node.(type) {
	case []any:
		for _, c := range n {
			if err := vetFunctions(c); err != nil {
				return err
			}
		}
	case map[string]any:
		if name, ok := n["function_name"].(string); ok && sandboxDeniedFunctions[strings.ToLower(name)] {
			return refuse("function %s is not allowed", name)
		}
		if n["type"] == "TABLE_FUNCTION" {
			f, _ := n["function"].(map[string]any)
			name, _ := f["function_name"].(string)
			if !sandboxTableFunctions[strings.ToLower(name)] {
				return refuse("table function %s is not allowed (allowed: reading the lake's files, range, unnest, json_each and the duckdb_* catalog functions)", name)
			}
		}
		for _, c := range n {
			if err := vetFunctions(c); err != nil {
				return err
			}
		}
	}
	return nil
}
