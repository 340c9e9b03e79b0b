package lake

import (
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestDDLGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		opt    DDLOptions
	}{
		{"ddl_athena.golden", DDLOptions{Engine: "athena", Location: "s3://example-audit-lake/vigil/"}},
		{"ddl_trino.golden", DDLOptions{
			Engine:   "trino",
			Location: "s3a://example-audit-lake/vigil",
			Accounts: []string{"444455556666", "111122223333"},
			Regions:  []string{"us-east-1", "eu-west-1"},
			Start:    "2019-06-01",
		}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got, err := DDL(tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.golden)
			if *updateGolden {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/lake -run DDL -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("DDL (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDDLVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  DDLOptions
		want []string
	}{
		{"athena accounts as enum, trailing slashes and case",
			DDLOptions{Engine: "Athena", Location: "s3://b-1/p/q///", Accounts: []string{"222233334444", " 111122223333", "222233334444"}, Database: "sec"},
			[]string{
				"CREATE DATABASE IF NOT EXISTS sec;\n",
				"CREATE EXTERNAL TABLE IF NOT EXISTS sec.cloudtrail (\n",
				"LOCATION 's3://b-1/p/q/cloudtrail/'\n",
				"'projection.account.type' = 'enum',\n  'projection.account.values' = '111122223333,222233334444',\n",
				"'projection.date.range' = '2015-01-01,NOW',\n",
				"'storage.location.template' = 's3://b-1/p/q/cloudtrail/account=${account}/region=${region}/date=${date}/'\n",
				"  `date` string\n",
			}},
		{"trino injected account, bucket root, default regions",
			DDLOptions{Engine: "trino", Location: "s3://bucket"},
			[]string{
				"CREATE SCHEMA IF NOT EXISTS hive.auditing;\n",
				"  account varchar WITH (partition_projection_type = 'INJECTED'),\n",
				"partition_projection_values = ARRAY['af-south-1', 'ap-east-1', ",
				"  external_location = 's3://bucket/cloudtrail/',\n",
				`  "date" varchar WITH (partition_projection_type = 'DATE'`,
				"CALL hive.system.sync_partition_metadata('auditing', 'cloudtrail', 'ADD');",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DDL(tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("DDL lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestDDLOptionErrors(t *testing.T) {
	ok := DDLOptions{Engine: "athena", Location: "s3://bucket/prefix"}
	for _, tc := range []struct {
		name string
		edit func(*DDLOptions)
		want []string // one per expected error, in order
	}{
		{"no engine", func(o *DDLOptions) { o.Engine = "" }, []string{`engine "": want athena or trino`}},
		{"unknown engine", func(o *DDLOptions) { o.Engine = "presto" }, []string{`engine "presto"`}},
		{"no location", func(o *DDLOptions) { o.Location = "" }, []string{`location "": want s3://bucket/prefix`}},
		{"https location", func(o *DDLOptions) { o.Location = "https://bucket/prefix" }, []string{`location "https://bucket/prefix"`}},
		{"s3a for athena", func(o *DDLOptions) { o.Location = "s3a://bucket/prefix" }, []string{`location "s3a://bucket/prefix": want s3://`}},
		{"bad bucket", func(o *DDLOptions) { o.Location = "s3://My_Bucket/prefix" }, []string{`bucket "My_Bucket"`}},
		{"empty segment", func(o *DDLOptions) { o.Location = "s3://bucket//prefix" }, []string{`prefix segment ""`}},
		{"quote in prefix", func(o *DDLOptions) { o.Location = "s3://bucket/it's" }, []string{`prefix segment "it's"`}},
		{"template in prefix", func(o *DDLOptions) { o.Location = "s3://bucket/${x}" }, []string{`prefix segment "${x}"`}},
		{"table directory", func(o *DDLOptions) { o.Location = "s3://bucket/lake/cloudtrail/" }, []string{"names the table directory"}},
		{"bad database", func(o *DDLOptions) { o.Database = "audit-ing" }, []string{`database "audit-ing"`}},
		{"reserved database", func(o *DDLOptions) { o.Database = "table" }, []string{`database "table": is a reserved word`}},
		{"short account", func(o *DDLOptions) { o.Accounts = []string{"12345"} }, []string{`accounts "12345": want a 12-digit account ID`}},
		{"empty account", func(o *DDLOptions) { o.Accounts = []string{""} }, []string{`accounts ""`}},
		{"bad region", func(o *DDLOptions) { o.Regions = []string{"us-east-1", "US_EAST_1"} }, []string{`regions "US_EAST_1"`}},
		{"bad start", func(o *DDLOptions) { o.Start = "2015-02-30" }, []string{`start "2015-02-30": want a date YYYY-MM-DD`}},
		{"partial start", func(o *DDLOptions) { o.Start = "2015-01" }, []string{`start "2015-01"`}},
		{"all at once",
			func(o *DDLOptions) {
				*o = DDLOptions{Engine: "trino", Location: "gs://x", Accounts: []string{"x"}, Start: "now"}
			},
			[]string{`location "gs://x": want s3://bucket/prefix or s3a://bucket/prefix`, `accounts "x"`, `start "now"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			got, err := DDL(o)
			if err == nil {
				t.Fatalf("no error; DDL:\n%s", got)
			}
			var errs []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			} else {
				errs = []error{err}
			}
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tc.want), err)
			}
			for i, e := range errs {
				var oe *DDLOptionError
				if !errors.As(e, &oe) {
					t.Errorf("error %d is %T, want *DDLOptionError", i, e)
				}
				if !strings.Contains(e.Error(), tc.want[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, e, tc.want[i])
				}
			}
		})
	}
}

// TestDDLTablesCoverEngine makes adding a table to the engine without its
// DDL fail.
func TestDDLTablesCoverEngine(t *testing.T) {
	for _, e := range tables {
		if e.snapshot || e.localOnly {
			continue // findings live in local lakes only, for now: nothing for Athena to read
		}
		if !slices.ContainsFunc(ddlTables, func(d ddlTable) bool { return d.name == e.name }) {
			t.Errorf("table %s has no entry in ddlTables", e.name)
		}
	}
}

// TestDDLMatchesParquet checks the DDL's columns against the files Vigil
// writes, as another reader sees them: DuckDB describes an empty file of
// each table and every column must appear in the DDL, in order, with the
// same type.
func TestDDLMatchesParquet(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ddl, err := DDL(DDLOptions{Engine: "trino", Location: "s3://bucket/lake"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tab := range ddlTables {
		t.Run(tab.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tab.name+".parquet")
			writeEmptyParquet(t, path, tab.schema)
			rows, err := db.QueryContext(t.Context(), "DESCRIBE SELECT * FROM read_parquet("+quote(path)+")")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var want []ddlColumn
			for rows.Next() {
				var name, typ string
				var null, key, def, extra sql.NullString
				if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
					t.Fatal(err)
				}
				tt, err := duckToTrino(typ)
				if err != nil {
					t.Fatalf("column %s: %v", name, err)
				}
				want = append(want, ddlColumn{dialectTrino.ident(name), tt})
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			got, err := dialectTrino.columns(tab)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(ddlColumn{})); diff != "" {
				t.Errorf("columns (-duckdb +ddl):\n%s", diff)
			}
			for _, c := range got {
				if line := "  " + c.name + " " + c.typ + ",\n"; !strings.Contains(ddl, line) {
					t.Errorf("DDL lacks column line %q", line)
				}
			}
		})
	}
}

func writeEmptyParquet(t *testing.T, path string, schema *parquet.Schema) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewWriter(f, schema)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// duckToTrino translates a DuckDB type (DESCRIBE's column_type) into the
// Trino type the DDL should declare for it.
func duckToTrino(s string) (string, error) {
	s = strings.TrimSpace(s)
	if inner, ok := strings.CutSuffix(s, "[]"); ok {
		t, err := duckToTrino(inner)
		return "ARRAY(" + t + ")", err
	}
	if inner, ok := cutWrap(s, "STRUCT(", ")"); ok {
		var fields []string
		for _, f := range splitTop(inner) {
			name, typ, err := cutName(f)
			if err != nil {
				return "", err
			}
			tt, err := duckToTrino(typ)
			if err != nil {
				return "", err
			}
			fields = append(fields, dialectTrino.ident(name)+" "+tt)
		}
		return "ROW(" + strings.Join(fields, ", ") + ")", nil
	}
	if inner, ok := cutWrap(s, "MAP(", ")"); ok {
		kv := splitTop(inner)
		if len(kv) != 2 {
			return "", fmt.Errorf("map type %s", s)
		}
		k, err := duckToTrino(kv[0])
		if err != nil {
			return "", err
		}
		v, err := duckToTrino(kv[1])
		return "MAP(" + k + ", " + v + ")", err
	}
	scalars := map[string]string{
		"VARCHAR": "varchar", "INTEGER": "integer", "BIGINT": "bigint", "BOOLEAN": "boolean",
		"DOUBLE": "double", "FLOAT": "real", "DATE": "date", "BLOB": "varbinary",
		"TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamp",
		"TIMESTAMP_MS": "timestamp", "TIMESTAMP_NS": "timestamp",
	}
	if t, ok := scalars[s]; ok {
		return t, nil
	}
	return "", fmt.Errorf("no Trino equivalent for DuckDB type %s", s)
}

func cutWrap(s, prefix, suffix string) (string, bool) {
	if strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix) {
		return s[len(prefix) : len(s)-len(suffix)], true
	}
	return "", false
}

// splitTop splits s at the commas outside parentheses and quotes.
func splitTop(s string) []string {
	var parts []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}

// cutName splits a STRUCT field, `name TYPE` or `"name" TYPE`.
func cutName(f string) (string, string, error) {
	if rest, ok := strings.CutPrefix(f, `"`); ok {
		for i := 0; i < len(rest); i++ {
			if rest[i] != '"' {
				continue
			}
			if i+1 < len(rest) && rest[i+1] == '"' {
				i++
				continue
			}
			return strings.ReplaceAll(rest[:i], `""`, `"`), strings.TrimSpace(rest[i+1:]), nil
		}
		return "", "", fmt.Errorf("struct field %s", f)
	}
	name, typ, ok := strings.Cut(f, " ")
	if !ok {
		return "", "", fmt.Errorf("struct field %s", f)
	}
	return name, typ, nil
}
