package queries

import (
	"errors"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func TestSavedQueriesEmbedded(t *testing.T) {
	names, err := fs.Glob(files, "sql/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	all := All()
	if len(all) != len(names) || len(all) < 12 {
		t.Fatalf("All() has %d queries for %d files", len(all), len(names))
	}
	seen := map[string]bool{}
	for i, q := range all {
		if i > 0 && all[i-1].Name >= q.Name {
			t.Errorf("All() not sorted: %s before %s", all[i-1].Name, q.Name)
		}
		lower := strings.ToLower(q.Name)
		if seen[lower] {
			t.Errorf("%s: name not unique (ignoring case)", q.Name)
		}
		seen[lower] = true
		if !slices.Contains(names, "sql/"+q.Name+".sql") {
			t.Errorf("%s: no file sql/%s.sql", q.Name, q.Name)
		}
		if q.Description == "" || !strings.HasSuffix(q.Description, ".") {
			t.Errorf("%s: description %q must be a sentence", q.Name, q.Description)
		}
		if q.Table != "cloudtrail" && q.Table != "flowlogs" {
			t.Errorf("%s: table %q", q.Name, q.Table)
		}
		if strings.Contains(q.SQL, "-- name:") || strings.HasPrefix(q.SQL, "--") {
			t.Errorf("%s: SQL keeps the header", q.Name)
		}
		// Every query prunes partitions with a date predicate.
		if !regexp.MustCompile(`\bdate\s*>=?\s*(to_iso8601|date_format)\(`).MatchString(q.SQL) {
			t.Errorf("%s: no date partition predicate", q.Name)
		}
		// Athena queries use Athena's columns and functions only.
		if q.Athena && regexp.MustCompile(`(?i)\bvigil_|cidr_contains|::`).MatchString(q.SQL) {
			t.Errorf("%s: marked athena but uses Vigil-only SQL", q.Name)
		}
		for _, p := range q.Params {
			if p.Description == "" {
				t.Errorf("%s: param %s has no description", q.Name, p.Name)
			}
			if !strings.Contains(q.SQL, "{{"+p.Name+"}}") {
				t.Errorf("%s: param %s not used", q.Name, p.Name)
			}
		}
		if _, err := Get(q.Name); err != nil {
			t.Errorf("Get(%s): %v", q.Name, err)
		}
	}
	for _, want := range []string{
		"RootLogin30Days", "AdminRoleLogin30Days", "ConsoleLoginWithoutMFA", "FailedConsoleLogins",
		"AccessDeniedByPrincipal", "CloudTrailTampering", "IAMChanges", "SecurityGroupChanges",
		"S3BucketPolicyChanges", "KMSKeyDeletion", "TopCallers", "AccessKeyActivity", "IPActivity",
		"NewAccessKeysCreated", "ErrorsByEventSource",
	} {
		if !seen[strings.ToLower(want)] {
			t.Errorf("missing saved query %s", want)
		}
	}
}

func TestSavedFlowQueries(t *testing.T) {
	for _, name := range []string{
		"TopTalkers", "RejectedTrafficBySource", "SshRdpFromInternet", "TrafficByDestinationPort",
		"InstanceConversations", "VpcFlowLogsAcceptedTraffic", "RejectedTCPTraffic", "TopTalkingInstances",
		"TotalBytesTransferred",
	} {
		q, err := Get(name)
		if err != nil {
			t.Errorf("missing saved query %s: %v", name, err)
			continue
		}
		if q.Table != "flowlogs" || !q.Athena {
			t.Errorf("%s: table %s, athena %v; want flowlogs on Athena", name, q.Table, q.Athena)
		}
		// "end" is reserved in Athena and Trino: a column reference must be quoted.
		if regexp.MustCompile(`\bfrom_unixtime\(\s*end\b`).MatchString(q.SQL) {
			t.Errorf("%s: unquoted end column", name)
		}
	}
}

// TestSavedQueriesParseFiles parses each embedded file again, so a bad file
// fails here with its error rather than as a panic at package load.
func TestSavedQueriesParseFiles(t *testing.T) {
	names, _ := fs.Glob(files, "sql/*.sql")
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parse(n, string(b)); err != nil {
			t.Error(err)
		}
	}
}

func TestSavedQueriesParse(t *testing.T) {
	const body = "\nselect 1 from auditing.cloudtrail where date > {{days}}"
	ok := "-- name: Q\n-- description: A query\n--   continued.\n-- param: days = 7  Days to read\n--   back.\n" + body
	q, err := parse("sql/Q.sql", ok)
	if err != nil {
		t.Fatal(err)
	}
	want := Query{
		Name: "Q", Description: "A query continued.", SQL: strings.TrimSpace(body), Table: "cloudtrail", Athena: true,
		Params: []Param{{Name: "days", Default: "7", Description: "Days to read back."}},
	}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Errorf("parse (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ name, text, err string }{
		{"no header", "select 1 from auditing.cloudtrail", "missing -- name"},
		{"wrong name", "-- name: Other\n-- description: x.\nselect 1 from auditing.cloudtrail", "differs from the file name"},
		{"no description", "-- name: Q\nselect 1 from auditing.cloudtrail", "missing -- description"},
		{"unknown key", "-- name: Q\n-- description: x.\n-- owner: me\nselect 1 from auditing.cloudtrail", "unknown header key"},
		{"stray comment", "-- name: Q\n-- description: x.\n-- just words\nselect 1 from auditing.cloudtrail", "header line 3"},
		{"no sql", "-- name: Q\n-- description: x.\n", "no SQL"},
		{"no table", "-- name: Q\n-- description: x.\nselect 1", "reads neither"},
		{"undeclared", "-- name: Q\n-- description: x.\nselect {{ip}} from auditing.cloudtrail", "not a declared parameter"},
		{"unused", "-- name: Q\n-- description: x.\n-- param: ip  An IP.\nselect 1 from auditing.cloudtrail", "never used"},
		{"twice", "-- name: Q\n-- description: x.\n-- param: ip  An IP.\n-- param: ip  Again.\nselect {{ip}} from auditing.cloudtrail", "declared twice"},
		{"param without description", "-- name: Q\n-- description: x.\n-- param: ip\nselect {{ip}} from auditing.cloudtrail", "missing description"},
		{"bad athena", "-- name: Q\n-- description: x.\n-- athena: maybe\nselect 1 from auditing.cloudtrail", "athena"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse("sql/Q.sql", tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parse error %v, want one containing %q", err, tc.err)
			}
		})
	}
	q, err = parse("Q.sql", "-- name: Q\n-- description: x.\n-- athena: false\nselect 1 from auditing.FlowLogs")
	if err != nil || q.Athena || q.Table != "flowlogs" {
		t.Errorf("parse athena/table: %+v, %v", q, err)
	}
}

func TestSavedQueriesGet(t *testing.T) {
	q, err := Get("rootlogin30days")
	if err != nil || q.Name != "RootLogin30Days" {
		t.Fatalf("Get(rootlogin30days) = %q, %v", q.Name, err)
	}
	_, err = Get("RootLogin")
	if !errors.Is(err, vigil.ErrNotFound) {
		t.Fatalf("Get(RootLogin) error %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "RootLogin30Days") {
		t.Errorf("Get(RootLogin) error %q does not suggest RootLogin30Days", err)
	}
	_, err = Get("IPActivty")
	if !errors.Is(err, vigil.ErrNotFound) || !strings.Contains(err.Error(), "IPActivity") {
		t.Errorf("Get(IPActivty) error %v, want ErrNotFound suggesting IPActivity", err)
	}
	if _, err = Get("zzzzzzzzzzzzzzzzzzzzzzzzzz"); !errors.Is(err, vigil.ErrNotFound) || strings.Contains(err.Error(), "mean") {
		t.Errorf("Get(zzz) error %v", err)
	}
	// All returns a copy.
	a := All()
	a[0].Name = "changed"
	if All()[0].Name == "changed" {
		t.Error("All returns the catalog itself")
	}
}

func TestSavedQueriesBind(t *testing.T) {
	q := Query{
		Name: "Q",
		SQL:  "select * from auditing.cloudtrail where date >= {{days}} and sourceipaddress = {{ ip }} or x = {{ip}}",
		Params: []Param{
			{Name: "ip", Description: "An IP."},
			{Name: "days", Description: "Days.", Default: "30"},
		},
	}
	for _, tc := range []struct {
		name   string
		values map[string]string
		want   string
		err    string
	}{
		{"default", map[string]string{"ip": "1.2.3.4"},
			"select * from auditing.cloudtrail where date >= '30' and sourceipaddress = '1.2.3.4' or x = '1.2.3.4'", ""},
		{"override", map[string]string{"ip": "1.2.3.4", "days": "7"},
			"select * from auditing.cloudtrail where date >= '7' and sourceipaddress = '1.2.3.4' or x = '1.2.3.4'", ""},
		{"empty uses default", map[string]string{"ip": "1.2.3.4", "days": ""},
			"select * from auditing.cloudtrail where date >= '30' and sourceipaddress = '1.2.3.4' or x = '1.2.3.4'", ""},
		{"injection", map[string]string{"ip": "'; drop table x; --"},
			"select * from auditing.cloudtrail where date >= '30' and sourceipaddress = '''; drop table x; --' or x = '''; drop table x; --'", ""},
		{"quotes and backslashes", map[string]string{"ip": `a\'' "b" {{days}}`},
			`select * from auditing.cloudtrail where date >= '30' and sourceipaddress = 'a\'''' "b" {{days}}' or x = 'a\'''' "b" {{days}}'`, ""},
		{"missing", nil, "", "parameter ip is required"},
		{"empty required", map[string]string{"ip": ""}, "", "parameter ip is required"},
		{"unknown", map[string]string{"ip": "1.2.3.4", "acount": "1"}, "", "unknown parameter acount"},
		{"nul", map[string]string{"ip": "a\x00b"}, "", "not valid text"},
		{"bad utf8", map[string]string{"ip": "a\xffb"}, "", "not valid text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := q.Bind(tc.values)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Bind error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Bind\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestSavedQueriesBindInjection checks, with a SQL tokenizer, that whatever
// the value, a bound parameter stays one string literal: the statement has
// the same tokens outside literals as with a harmless value.
func TestSavedQueriesBindInjection(t *testing.T) {
	q, err := Get("IPActivity")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := q.Bind(map[string]string{"ip": "x"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{
		"'; drop table x; --", "' or '1'='1", "\\'; select 1; --", "'/*", "*/'", "''''", "'\n--", "$$'$$", "\"",
	} {
		got, err := q.Bind(map[string]string{"ip": v})
		if err != nil {
			t.Fatal(err)
		}
		if a, b := outsideLiterals(ref), outsideLiterals(got); a != b {
			t.Errorf("value %q changed the statement outside literals:\n%s", v, got)
		}
	}
}

// outsideLiterals returns s with the contents of '…' literals removed.
func outsideLiterals(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case !in && c == '\'':
			in = true
			b.WriteString("''")
		case in && c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case in && c == '\'':
			in = false
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func TestSavedQueriesEveryParamHasDefaultOrIsKey(t *testing.T) {
	// Required parameters are identifiers a responder must supply; the
	// rest have defaults so the query runs as is.
	for _, q := range All() {
		for _, p := range q.Params {
			if p.Name == "days" && p.Default == "" {
				t.Errorf("%s: days has no default", q.Name)
			}
		}
		values := map[string]string{}
		for _, p := range q.Params {
			if p.Default == "" {
				values[p.Name] = "x"
			}
		}
		s, err := q.Bind(values)
		if err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
		if strings.Contains(s, "{{") {
			t.Errorf("%s: placeholder left after Bind", q.Name)
		}
	}
}
