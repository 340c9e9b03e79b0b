package lake

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// Scale-out: the lake tree copied to S3 is queried by Athena or Trino with
// the DDL printed here. Columns are derived from the Parquet schema the
// writer uses, so the DDL cannot drift from the files; partitions are
// projected (no crawler, no partition Lambda, no MSCK REPAIR TABLE).
// docs/scale-out.md is the user-facing guide.

// ddlTable is a lake table as the DDL sees it: a name and the schema of its
// files. Every table is partitioned by ddlPartitions, which live in the
// directory names and not in the files.
type ddlTable struct {
	name   string
	schema *parquet.Schema
}

var ddlTables = []ddlTable{
	{name: TableCloudTrail, schema: parquet.SchemaOf(new(ctRow))},
	{name: TableFlowLogs, schema: parquet.SchemaOf(new(flowRow))},
}

var ddlPartitions = []string{"account", "region", "date"}

// Defaults of DDLOptions.
const (
	DDLDefaultDatabase = "auditing"
	// DDLDefaultStart is the first projected day. CloudTrail started in
	// November 2013; days before Start are never read.
	DDLDefaultStart = "2015-01-01"
)

// commercialRegions are the regions of the aws partition as of 2026 (the
// AWS SDKs' partitions.json), excluding GovCloud, China and the European
// Sovereign Cloud, which are separate partitions.
var commercialRegions = []string{
	"af-south-1",
	"ap-east-1", "ap-east-2",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-south-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
	"ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-central-1", "ca-west-1",
	"eu-central-1", "eu-central-2",
	"eu-north-1",
	"eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3",
	"il-central-1",
	"me-central-1", "me-south-1",
	"mx-central-1",
	"sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// DDLOptions select the engine and where the lake copy lives.
type DDLOptions struct {
	// Engine is "athena" or "trino" (the Hive connector).
	Engine string
	// Location is the S3 URI of the lake root, the directory holding
	// cloudtrail/ (s3://bucket/prefix; Trino also takes s3a://).
	Location string
	// Database is the Athena database or Trino schema (default auditing).
	Database string
	// Accounts are projected as an enum. Empty: the account is injected, so
	// every query must filter it with = or IN.
	Accounts []string
	// Regions are projected as an enum (default: every commercial region).
	Regions []string
	// Start is the first projected day, YYYY-MM-DD (default DDLDefaultStart).
	Start string
}

// DDLOptionError is a bad DDLOptions value. DDL joins one per problem; the
// CLI reports them as usage errors.
type DDLOptionError struct {
	Option  string // the option, named as its flag: "location"
	Value   string // the bad value
	Problem string // what is wrong, or what is wanted
}

func (e *DDLOptionError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Option, e.Value, e.Problem)
}

// DDL returns the statements creating the lake's database and tables in
// Athena or Trino over a copy of the lake at o.Location, with comments
// explaining the choices. Invalid options yield *DDLOptionError values
// joined with errors.Join.
func DDL(o DDLOptions) (string, error) {
	d, err := o.normalize()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	d.header(&b, o)
	for _, t := range ddlTables {
		if err := d.table(&b, o, t); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

var (
	ddlAccountRe  = regexp.MustCompile(`^[0-9]{12}$`)
	ddlRegionRe   = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)
	ddlDatabaseRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,127}$`)
	ddlBucketRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	ddlSegmentRe  = regexp.MustCompile(`^[A-Za-z0-9._=+-]+$`)
)

// normalize applies defaults, validates every field and returns the dialect.
func (o *DDLOptions) normalize() (dialect, error) {
	var errs []error
	bad := func(option, value, format string, args ...any) {
		errs = append(errs, &DDLOptionError{option, value, fmt.Sprintf(format, args...)})
	}
	var d dialect
	switch strings.ToLower(o.Engine) {
	case "athena":
		d = dialectAthena
	case "trino":
		d = dialectTrino
	default:
		bad("engine", o.Engine, "want athena or trino")
	}
	schemes := []string{"s3://"}
	if d == dialectTrino {
		schemes = append(schemes, "s3a://")
	}
	if loc, problem := normalizeLocation(o.Location, schemes); problem != "" {
		bad("location", o.Location, "%s", problem)
	} else {
		o.Location = loc
	}
	if o.Database == "" {
		o.Database = DDLDefaultDatabase
	}
	switch {
	case !ddlDatabaseRe.MatchString(o.Database):
		bad("database", o.Database, "want a lower-case letter, then letters, digits or _")
	case athenaReserved[o.Database] || trinoReserved[o.Database]:
		bad("database", o.Database, "is a reserved word")
	}
	o.Accounts = sortedSet(o.Accounts)
	for _, a := range o.Accounts {
		if !ddlAccountRe.MatchString(a) {
			bad("accounts", a, "want a 12-digit account ID")
		}
	}
	if len(o.Regions) == 0 {
		o.Regions = commercialRegions
	}
	o.Regions = sortedSet(o.Regions)
	for _, r := range o.Regions {
		if !ddlRegionRe.MatchString(r) {
			bad("regions", r, "want a region name such as us-east-1")
		}
	}
	if o.Start == "" {
		o.Start = DDLDefaultStart
	}
	if _, err := time.Parse(time.DateOnly, o.Start); err != nil {
		bad("start", o.Start, "want a date YYYY-MM-DD")
	}
	return d, errors.Join(errs...)
}

// normalizeLocation checks an S3 URI and strips trailing slashes. It
// returns a problem description when the URI is unusable.
func normalizeLocation(loc string, schemes []string) (string, string) {
	i := slices.IndexFunc(schemes, func(s string) bool { return strings.HasPrefix(loc, s) })
	if i < 0 {
		var want []string
		for _, s := range schemes {
			want = append(want, s+"bucket/prefix")
		}
		return "", "want " + strings.Join(want, " or ")
	}
	rest := strings.TrimRight(loc[len(schemes[i]):], "/")
	bucket, prefix, _ := strings.Cut(rest, "/")
	if !ddlBucketRe.MatchString(bucket) {
		return "", fmt.Sprintf("bucket %q is not a valid S3 bucket name", bucket)
	}
	if prefix != "" {
		segs := strings.Split(prefix, "/")
		for _, s := range segs {
			// Quotes would end the SQL literals, ${ would be read as a
			// template variable; keep to characters S3 calls safe.
			if s == "" || s == "." || s == ".." || !ddlSegmentRe.MatchString(s) {
				return "", fmt.Sprintf("prefix segment %q: want letters, digits and . _ = + -", s)
			}
		}
		if last := segs[len(segs)-1]; slices.ContainsFunc(ddlTables, func(t ddlTable) bool { return t.name == last }) {
			return "", "names the table directory; give the lake root (the directory holding " + last + "/)"
		}
	}
	return schemes[i] + rest, ""
}

func sortedSet(s []string) []string {
	s = slices.Clone(s)
	for i := range s {
		s[i] = strings.TrimSpace(s[i])
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// dialect renders DDL for one engine.
type dialect int

const (
	dialectAthena dialect = iota + 1
	dialectTrino
)

// athenaReserved are Athena's reserved words in DDL (Hive's grammar),
// back-quoted when used as names:
// https://docs.aws.amazon.com/athena/latest/ug/reserved-words.html
var athenaReserved = wordSet(`all alter and array as authorization between bigint binary boolean both by
	case cashe cast char column conf constraint commit create cross cube current current_date
	current_timestamp cursor database date dayofweek decimal delete describe distinct div double
	drop else end exchange exists extended external extract false fetch float floor following
	for foreign from full function grant group grouping having if import in inner insert int
	integer intersect interval into is join lateral left less like local macro map more none
	not null numeric of on only or order out outer over partialscan partition percent preceding
	precision preserve primary procedure range reads reduce regexp references revoke right rlike
	rollback rollup row rows select set smallint start table tablesample then time timestamp to
	transform trigger true truncate unbounded union uniquejoin update user using utc_timestamp
	values varchar views when where window with`)

// trinoReserved are Trino's reserved keywords, double-quoted when used as
// names: https://trino.io/docs/current/language/reserved.html
var trinoReserved = wordSet(`alter and as auto between by case cast constraint create cross cube
	current_catalog current_date current_path current_role current_schema current_time
	current_timestamp current_user deallocate delete describe distinct drop else end escape
	except exists extract false for from full group grouping having in inner insert intersect
	into is join json_array json_exists json_object json_query json_table json_value left like
	listagg localtime localtimestamp natural normalize not null on or order outer prepare primary
	recursive right rollup select skip table then trim true uescape union unnest using values
	when where with`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

var ddlPlainIdentRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// ident quotes a column or field name when the engine requires it. Trino
// also quotes Athena's DDL reserved words (date), so that a name is spelled
// the same way in both outputs and in the baseline's DDL.
func (d dialect) ident(name string) string {
	plain := ddlPlainIdentRe.MatchString(name) && !athenaReserved[name]
	if d == dialectAthena {
		if plain {
			return name
		}
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	if plain && !trinoReserved[name] {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// typeOf renders the SQL type of a Parquet node: groups become structs
// (ROW), LIST arrays, MAP maps and leaves their scalar type.
func (d dialect) typeOf(n parquet.Node, path string) (string, error) {
	lt := n.Type().LogicalType()
	switch {
	case n.Repeated():
		return "", fmt.Errorf("BUG: column %s: repeated field without LIST annotation (tag it list)", path)
	case logicalIs[*format.ListType](lt):
		elem, err := listElement(n, path)
		if err != nil {
			return "", err
		}
		t, err := d.typeOf(elem, path+".element")
		if err != nil {
			return "", err
		}
		if d == dialectTrino {
			return "ARRAY(" + t + ")", nil
		}
		return "array<" + t + ">", nil
	case logicalIs[*format.MapType](lt):
		k, v, err := mapKeyValue(n, path)
		if err != nil {
			return "", err
		}
		kt, err := d.typeOf(k, path+".key")
		if err != nil {
			return "", err
		}
		vt, err := d.typeOf(v, path+".value")
		if err != nil {
			return "", err
		}
		if d == dialectTrino {
			return "MAP(" + kt + ", " + vt + ")", nil
		}
		return "map<" + kt + "," + vt + ">", nil
	case !n.Leaf():
		var fields []string
		for _, f := range n.Fields() {
			t, err := d.typeOf(f, path+"."+f.Name())
			if err != nil {
				return "", err
			}
			if d == dialectTrino {
				fields = append(fields, d.ident(f.Name())+" "+t)
			} else {
				fields = append(fields, d.ident(f.Name())+":"+t)
			}
		}
		if d == dialectTrino {
			return "ROW(" + strings.Join(fields, ", ") + ")", nil
		}
		return "struct<" + strings.Join(fields, ",") + ">", nil
	}
	return d.scalar(n, path)
}

func (d dialect) scalar(n parquet.Node, path string) (string, error) {
	pick := func(athenaType, trinoType string) (string, error) {
		if d == dialectTrino {
			return trinoType, nil
		}
		return athenaType, nil
	}
	kind := n.Type().Kind()
	var lv format.LogicalTypeValue
	if lt := n.Type().LogicalType(); lt != nil {
		lv = lt.Value
	}
	switch v := lv.(type) {
	case nil:
	case *format.StringType, *format.EnumType, *format.JsonType:
		if kind == parquet.ByteArray {
			return pick("string", "varchar")
		}
	case *format.DateType:
		return "date", nil
	case *format.TimestampType:
		return "timestamp", nil
	case *format.IntType:
		if v.IsSigned {
			lv = nil // the physical type decides
		}
	}
	if lv == nil {
		switch kind {
		case parquet.Boolean:
			return "boolean", nil
		case parquet.Int32:
			return pick("int", "integer")
		case parquet.Int64:
			return "bigint", nil
		case parquet.Float:
			return pick("float", "real")
		case parquet.Double:
			return "double", nil
		case parquet.ByteArray:
			return pick("binary", "varbinary")
		}
	}
	return "", fmt.Errorf("BUG: column %s: no SQL type for Parquet type %s", path, n.Type())
}

func logicalIs[T format.LogicalTypeValue](lt *format.LogicalType) bool {
	if lt == nil {
		return false
	}
	_, ok := lt.Value.(T)
	return ok
}

// listElement returns the element of a three-level LIST:
// <list> (LIST) { repeated group list { element } }.
func listElement(n parquet.Node, path string) (parquet.Node, error) {
	if fs := n.Fields(); len(fs) == 1 && fs[0].Repeated() && !fs[0].Leaf() {
		if es := fs[0].Fields(); len(es) == 1 {
			return es[0], nil
		}
	}
	return nil, fmt.Errorf("BUG: column %s: LIST is not a repeated group of one element", path)
}

// mapKeyValue returns the key and value of a MAP:
// <map> (MAP) { repeated group key_value { key; value } }.
func mapKeyValue(n parquet.Node, path string) (parquet.Node, parquet.Node, error) {
	if fs := n.Fields(); len(fs) == 1 && fs[0].Repeated() && !fs[0].Leaf() {
		if kv := fs[0].Fields(); len(kv) == 2 && kv[0].Name() == "key" && kv[1].Name() == "value" {
			return kv[0], kv[1], nil
		}
	}
	return nil, nil, fmt.Errorf("BUG: column %s: MAP is not a repeated group of key and value", path)
}

// ddlColumn is a top-level column of a table, rendered for a dialect.
type ddlColumn struct{ name, typ string }

func (d dialect) columns(t ddlTable) ([]ddlColumn, error) {
	var cols []ddlColumn
	for _, f := range t.schema.Fields() {
		typ, err := d.typeOf(f, t.name+"."+f.Name())
		if err != nil {
			return nil, err
		}
		cols = append(cols, ddlColumn{d.ident(f.Name()), typ})
	}
	return cols, nil
}

// comment writes each line as a SQL comment.
func comment(b *strings.Builder, lines ...string) {
	for _, l := range lines {
		if l == "" {
			b.WriteString("--\n")
			continue
		}
		b.WriteString("-- " + l + "\n")
	}
}

func (d dialect) header(b *strings.Builder, o DDLOptions) {
	if d == dialectTrino {
		comment(b,
			"Vigil lake tables for Trino's Hive connector, generated by `vigil lake ddl --engine trino`.",
			"Columns are derived from the Parquet schema Vigil writes: re-run after upgrading Vigil.",
			"hive is the catalog name: replace hive. if your Hive catalog is named otherwise.",
		)
		fmt.Fprintf(b, "CREATE SCHEMA IF NOT EXISTS hive.%s;\n", o.Database)
		return
	}
	comment(b,
		"Vigil lake tables for Amazon Athena, generated by `vigil lake ddl --engine athena`.",
		"Columns are derived from the Parquet schema Vigil writes: re-run after upgrading Vigil.",
		"Athena runs one statement per query: run the statements below one at a time.",
	)
	fmt.Fprintf(b, "CREATE DATABASE IF NOT EXISTS %s;\n", o.Database)
}

func (d dialect) table(b *strings.Builder, o DDLOptions, t ddlTable) error {
	cols, err := d.columns(t)
	if err != nil {
		return err
	}
	root := o.Location + "/" + t.name + "/"
	template := root + "account=${account}/region=${region}/date=${date}/"
	b.WriteString("\n")
	d.explain(b, o, t, root)
	if d == dialectTrino {
		d.trinoTable(b, o, t, cols, root, template)
	} else {
		d.athenaTable(b, o, t, cols, root, template)
	}
	return nil
}

// explain writes the comments common to both engines.
func (d dialect) explain(b *strings.Builder, o DDLOptions, t ddlTable, root string) {
	name := o.Database + "." + t.name
	if d == dialectTrino {
		name = "hive." + name
	}
	comment(b,
		name+" reads "+root+"account=<id>/region=<region>/date=YYYY-MM-DD/*.parquet.",
		"Partitions are projected from the table's properties (partition projection): no crawler,",
		"no partition Lambda, no MSCK REPAIR TABLE, and files copied to S3 are visible at once.",
		"",
		"account, region and date are strings, as in the baseline's table, so date > '2020-10'",
		"compares strings and selects October 2020 onwards, and date > to_iso8601(now() - interval",
		"'30' day) keeps its meaning.",
	)
	if d == dialectTrino {
		comment(b,
			"Trino filters the projected days with the query's predicate, comparing the",
			"yyyy-MM-dd strings, so such predicates also choose which days are read.",
		)
	} else {
		comment(b,
			"Athena documents range predicates on a projected date column of type string with",
			"values in the projection's format (date >= '2020-12-15'). Partial values such as",
			"'2020-10' are not documented: Trino's reimplementation of projection compares each",
			"projected day with the predicate as strings, which gives the baseline's answer; check",
			"the data scanned once on your copy (docs/scale-out.md) before relying on the pruning.",
		)
	}
	comment(b,
		"",
		"date: every day from "+o.Start+" (--start) to today, UTC. Earlier days are never read.",
	)
	if len(o.Accounts) == 0 {
		comment(b,
			"account: injected, so every query must filter account with = or IN on literal values",
			"(account = '111122223333'); other queries fail. The baseline's saved queries do not",
			"filter account: pass --accounts to project a fixed list instead.",
		)
	} else {
		comment(b,
			fmt.Sprintf("account: the --accounts list (%d); files of other accounts are not read.", len(o.Accounts)),
			"Re-create the table with the new list when accounts are added (docs/scale-out.md).",
		)
	}
	what := "the regions given with --regions"
	if slices.Equal(o.Regions, commercialRegions) {
		what = "every commercial AWS region as of 2026"
	}
	comment(b,
		fmt.Sprintf("region: %s (%d). Each projected account, region and day", what, len(o.Regions)),
		"without files still costs an S3 listing: narrow --regions to the regions you use.",
	)
}

func (d dialect) athenaTable(b *strings.Builder, o DDLOptions, t ddlTable, cols []ddlColumn, root, template string) {
	fmt.Fprintf(b, "CREATE EXTERNAL TABLE IF NOT EXISTS %s.%s (\n", o.Database, d.ident(t.name))
	for i, c := range cols {
		sep := ","
		if i == len(cols)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "  %s %s%s\n", c.name, c.typ, sep)
	}
	b.WriteString(")\nPARTITIONED BY (\n")
	for i, p := range ddlPartitions {
		sep := ","
		if i == len(ddlPartitions)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "  %s string%s\n", d.ident(p), sep)
	}
	fmt.Fprintf(b, ")\nSTORED AS PARQUET\nLOCATION %s\nTBLPROPERTIES (\n", quote(root))
	props := [][2]string{{"projection.enabled", "true"}}
	if len(o.Accounts) == 0 {
		props = append(props, [2]string{"projection.account.type", "injected"})
	} else {
		props = append(props,
			[2]string{"projection.account.type", "enum"},
			[2]string{"projection.account.values", strings.Join(o.Accounts, ",")})
	}
	props = append(props,
		[2]string{"projection.region.type", "enum"},
		[2]string{"projection.region.values", strings.Join(o.Regions, ",")},
		[2]string{"projection.date.type", "date"},
		[2]string{"projection.date.format", "yyyy-MM-dd"},
		[2]string{"projection.date.range", o.Start + ",NOW"},
		[2]string{"projection.date.interval", "1"},
		[2]string{"projection.date.interval.unit", "DAYS"},
		[2]string{"storage.location.template", template},
	)
	for i, p := range props {
		sep := ","
		if i == len(props)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "  %s = %s%s\n", quote(p[0]), quote(p[1]), sep)
	}
	b.WriteString(");\n")
}

func (d dialect) trinoTable(b *strings.Builder, o DDLOptions, t ddlTable, cols []ddlColumn, root, template string) {
	comment(b,
		"",
		"Trino's Hive connector reads these projection properties (added in 2022, trinodb/trino#10767).",
		"Before Trino enabled it by default in 2025 (trinodb/trino#25079), the catalog needs",
		"hive.partition-projection-enabled=true, or this statement fails with \"Partition projection",
		"is disabled\". Without projection, delete the WITH (...) after account, region and date",
		"and the partition_projection_* table properties, then run after every upload:",
		fmt.Sprintf("  CALL hive.system.sync_partition_metadata('%s', '%s', 'ADD');", o.Database, t.name),
		"Until it runs, new days are silently missing from queries: this is why projection is",
		"the default.",
	)
	fmt.Fprintf(b, "CREATE TABLE IF NOT EXISTS hive.%s.%s (\n", o.Database, d.ident(t.name))
	for _, c := range cols {
		fmt.Fprintf(b, "  %s %s,\n", c.name, c.typ)
	}
	account := "partition_projection_type = 'INJECTED'"
	if len(o.Accounts) > 0 {
		account = "partition_projection_type = 'ENUM', partition_projection_values = " + trinoArray(o.Accounts)
	}
	fmt.Fprintf(b, "  %s varchar WITH (%s),\n", d.ident("account"), account)
	fmt.Fprintf(b, "  %s varchar WITH (partition_projection_type = 'ENUM', partition_projection_values = %s),\n",
		d.ident("region"), trinoArray(o.Regions))
	fmt.Fprintf(b, "  %s varchar WITH (partition_projection_type = 'DATE', partition_projection_format = 'yyyy-MM-dd', "+
		"partition_projection_range = %s, partition_projection_interval = 1, partition_projection_interval_unit = 'DAYS')\n",
		d.ident("date"), trinoArray([]string{o.Start, "NOW"}))
	fmt.Fprintf(b, ")\nWITH (\n  external_location = %s,\n  format = 'PARQUET',\n  partitioned_by = %s,\n"+
		"  partition_projection_enabled = true,\n  partition_projection_location_template = %s\n);\n",
		quote(root), trinoArray(ddlPartitions), quote(template))
}

func trinoArray(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = quote(v)
	}
	return "ARRAY[" + strings.Join(q, ", ") + "]"
}
