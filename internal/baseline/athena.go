package baseline

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/queries"
)

// column is a table column with its type in Hive's notation (Glue, Athena
// DDL) and in Trino's (Athena views).
type column struct {
	Name  string
	Hive  string
	Trino string
}

// athenaTable is a raw table over a central bucket and its view.
type athenaTable struct {
	Columns []column
}

// athenaView is the Glue table of an Athena view.
type athenaView struct {
	Name, Description       string
	LogicalID, RawLogicalID string
	SQL                     string
	OriginalText            string // the view in Athena's encoding
	Columns                 []column
}

// flowLogFields are the baseline's flow-log format: the fields of versions
// 2 to 5 in AWS's order, minus region (the S3 key holds it, and it would
// clash with the partition column region).
var flowLogFields = []string{
	"version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
	"packets", "bytes", "start", "end", "action", "log-status",
	"vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr",
	"az-id", "sublocation-type", "sublocation-id",
	"pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
}

// flowLogFormat returns the LogFormat of the baseline's flow logs.
func flowLogFormat() string {
	fields := make([]string, len(flowLogFields))
	for i, f := range flowLogFields {
		fields[i] = "${" + f + "}"
	}
	return strings.Join(fields, " ")
}

// lakeColumns returns the columns of a lake table as `vigil lake ddl`
// prints them for Athena and Trino, so the baseline's tables cannot drift
// from the lake's schema. The vigil_ columns exist only in the lake and are
// left out.
func lakeColumns(table string) ([]column, error) {
	hive, err := ddlColumns("athena", "CREATE EXTERNAL TABLE IF NOT EXISTS auditing."+table+" (")
	if err != nil {
		return nil, err
	}
	trino, err := ddlColumns("trino", "CREATE TABLE IF NOT EXISTS hive.auditing."+table+" (")
	if err != nil {
		return nil, err
	}
	var out []column
	for _, h := range hive {
		if strings.HasPrefix(h[0], "vigil_") {
			continue
		}
		c := column{Name: h[0], Hive: h[1]}
		for _, t := range trino {
			if t[0] == h[0] {
				c.Trino = strings.ToLower(t[1])
			}
		}
		if c.Trino == "" {
			return nil, fmt.Errorf("BUG: lake table %s: column %s has no Trino type", table, c.Name)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("BUG: lake table %s: no columns in its DDL", table)
	}
	return out, nil
}

var ddlColumnRe = regexp.MustCompile("^  [`\"]?([a-z0-9_]+)[`\"]? (.+?),?$")

// ddlColumns reads the column lines of one CREATE TABLE statement printed
// by lake.DDL: [name, type] pairs, partition columns (which carry
// projection properties in Trino) excluded.
func ddlColumns(engine, header string) ([][2]string, error) {
	ddl, err := lake.DDL(lake.DDLOptions{Engine: engine, Location: "s3://vigil-baseline-columns"})
	if err != nil {
		return nil, fmt.Errorf("BUG: lake DDL for %s: %w", engine, err)
	}
	_, body, ok := strings.Cut(ddl, header+"\n")
	if !ok {
		return nil, fmt.Errorf("BUG: lake DDL for %s has no %q", engine, header)
	}
	body, _, _ = strings.Cut(body, "\n)")
	var out [][2]string
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, " WITH (") {
			continue
		}
		m := ddlColumnRe.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("BUG: lake DDL for %s: unexpected column line %q", engine, line)
		}
		out = append(out, [2]string{m[1], m[2]})
	}
	return out, nil
}

// flowLogColumns returns the flow-log table's columns in the baseline's
// log format order, typed as the lake types them.
func flowLogColumns() ([]column, error) {
	all, err := lakeColumns(lake.TableFlowLogs)
	if err != nil {
		return nil, err
	}
	var out []column
	for _, f := range flowLogFields {
		name := strings.ReplaceAll(f, "-", "_")
		found := false
		for _, c := range all {
			if c.Name == name {
				out = append(out, c)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("BUG: flow-log field %s is not a column of the lake's flowlogs table", f)
		}
	}
	return out, nil
}

// partitionColumns are the views' partition columns, all strings.
var partitionColumns = []column{
	{Name: "account", Hive: "string", Trino: "varchar"},
	{Name: "region", Hive: "string", Trino: "varchar"},
	{Name: "date", Hive: "string", Trino: "varchar"},
}

// newView returns the view name over name_raw: every column, and the
// partition day YYYY/MM/DD as date YYYY-MM-DD.
func newView(name, logicalID, rawLogicalID, description string, cols []column) (athenaView, error) {
	var sel []string
	for _, c := range cols {
		sel = append(sel, `"`+c.Name+`"`)
	}
	sel = append(sel, `"account"`, `"region"`, `replace("day", '/', '-') AS "date"`)
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM auditing." + name + "_raw"
	all := append(append([]column(nil), cols...), partitionColumns...)
	type viewColumn struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	def := struct {
		OriginalSQL  string       `json:"originalSql"`
		Catalog      string       `json:"catalog"`
		Schema       string       `json:"schema"`
		Columns      []viewColumn `json:"columns"`
		RunAsInvoker bool         `json:"runAsInvoker"`
	}{OriginalSQL: sql, Catalog: "awsdatacatalog", Schema: "auditing"}
	for _, c := range all {
		def.Columns = append(def.Columns, viewColumn{c.Name, c.Trino})
	}
	b, err := json.Marshal(def)
	if err != nil {
		return athenaView{}, fmt.Errorf("BUG: encode view %s: %w", name, err)
	}
	return athenaView{
		Name: name, Description: description, LogicalID: logicalID, RawLogicalID: rawLogicalID,
		SQL:          shortSQL(sql),
		OriginalText: "/* Presto View: " + base64.StdEncoding.EncodeToString(b) + " */",
		Columns:      all,
	}, nil
}

// shortSQL abbreviates a view's column list for the template's comment.
func shortSQL(sql string) string {
	head, rest, ok := strings.Cut(sql, `"account"`)
	if !ok {
		return sql
	}
	first, _, _ := strings.Cut(head, ", ")
	return first + ", ..., \"account\"" + rest
}

// namedQuery is an Athena saved query of the template.
type namedQuery struct {
	Name, Description, LogicalID, SQL string
}

// AthenaQueries returns Vigil's saved queries that run on Athena.
func AthenaQueries() []queries.Query {
	var out []queries.Query
	for _, q := range queries.All() {
		if q.Athena {
			out = append(out, q)
		}
	}
	return out
}

var logicalIDRe = regexp.MustCompile(`[^A-Za-z0-9]`)

// newNamedQuery binds q's parameters to their defaults; a parameter without
// one becomes a ? execution parameter, for which the Athena console asks.
func newNamedQuery(q queries.Query) (namedQuery, error) {
	values := map[string]string{}
	var asked []string
	for _, p := range q.Params {
		if p.Default == "" {
			values[p.Name] = "vigil-baseline-param-" + p.Name
			asked = append(asked, p.Name+" ("+strings.TrimSuffix(p.Description, ".")+")")
		}
	}
	sql, err := q.Bind(values)
	if err != nil {
		return namedQuery{}, fmt.Errorf("saved query %s: %w", q.Name, err)
	}
	for _, p := range q.Params {
		if p.Default == "" {
			sql = strings.ReplaceAll(sql, "'vigil-baseline-param-"+p.Name+"'", "?")
		}
	}
	desc := q.Description
	if len(asked) > 0 {
		desc += " Parameters, in order: " + strings.Join(asked, "; ") + "."
	}
	if len(desc) > 1024 {
		desc = desc[:1021] + "..."
	}
	return namedQuery{
		Name: q.Name, Description: desc, SQL: sql,
		LogicalID: "Query" + logicalIDRe.ReplaceAllString(q.Name, ""),
	}, nil
}

// athenaData is what the Athena template needs.
type athenaData struct {
	CloudTrail, FlowLogs athenaTable
	Views                []athenaView
	Queries              []namedQuery
}

func newAthenaData(qs []queries.Query) (athenaData, error) {
	var d athenaData
	ct, err := lakeColumns(lake.TableCloudTrail)
	if err != nil {
		return d, err
	}
	fl, err := flowLogColumns()
	if err != nil {
		return d, err
	}
	d.CloudTrail.Columns, d.FlowLogs.Columns = ct, fl
	ctView, err := newView("cloudtrail", "CloudTrailView", "CloudTrailRawTable",
		"CloudTrail records with the partition date as YYYY-MM-DD, as in Vigil's lake.", ct)
	if err != nil {
		return d, err
	}
	flView, err := newView("flowlogs", "FlowLogsView", "FlowLogsRawTable",
		"VPC flow-log records with the partition date as YYYY-MM-DD, as in Vigil's lake.", fl)
	if err != nil {
		return d, err
	}
	d.Views = []athenaView{ctView, flView}
	for _, q := range qs {
		nq, err := newNamedQuery(q)
		if err != nil {
			return d, err
		}
		d.Queries = append(d.Queries, nq)
	}
	return d, nil
}

// indent prefixes every non-empty line of s with n spaces (a YAML block
// scalar's body).
func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	var b bytes.Buffer
	for i, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if strings.TrimSpace(line) != "" {
			b.WriteString(pad + strings.TrimRight(line, " \t"))
		}
	}
	return b.String()
}
