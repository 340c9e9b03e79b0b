package baseline

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/queries"
)

func TestRenderOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(o *Options)
		want   []string // one OptionError each, in order
	}{
		{"bad main account", func(o *Options) { o.MainAccount = "12345" }, []string{`--main-account "12345": want a 12-digit account ID`}},
		{"organization without id", func(o *Options) { o.OrganizationID = "" }, []string{"--organization-id: want the organization's ID"}},
		{"unknown mode", func(o *Options) { o.Mode = "stackset" }, []string{`--mode "stackset": want organization or invitation`}},
		{"members in organization mode", func(o *Options) { o.Members = []Member{{"222222222222", "a@example.com"}} }, []string{"--member: only for --mode invitation"}},
		{"invitation without members", func(o *Options) { o.Mode, o.OrganizationID = ModeInvitation, "" }, []string{"--member: invitation mode needs the member accounts"}},
		{"bad member", func(o *Options) {
			o.Mode, o.OrganizationID = ModeInvitation, ""
			o.Members = []Member{{"222222222222", "not-an-address"}, {"111111111111", "main@example.com"}}
		}, []string{`--member "222222222222=not-an-address": want ACCOUNT=EMAIL`, `--member "111111111111=main@example.com": is the main account`}},
		{"bad account", func(o *Options) { o.Accounts = append(o.Accounts, "x") }, []string{`--accounts "x": want a 12-digit account ID`}},
		{"no regions", func(o *Options) { o.Regions = nil }, []string{"--regions: give the regions"}},
		{"main region not a baseline region", func(o *Options) { o.MainRegion = "ap-south-1" }, []string{`--main-region "ap-south-1": is not one of --regions`}},
		{"bad region", func(o *Options) { o.Regions = append(o.Regions, "mars-1") }, []string{`--regions "mars-1": want a region name`}},
		{"bad bucket prefix", func(o *Options) { o.BucketPrefix = "Vigil_" }, []string{`--bucket-prefix "Vigil_"`}},
		{"bad projection start", func(o *Options) { o.ProjectionStart = "2020-01-01" }, []string{`--projection-start "2020-01-01": want a day YYYY/MM/DD`}},
		{"several problems at once", func(o *Options) { o.MainAccount, o.Regions = "", nil }, []string{"--main-account", "--regions"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := goldenOptions(ModeOrganization)
			tc.change(&o)
			_, err := Render(o)
			if err == nil {
				t.Fatal("no error")
			}
			var got []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var oe *OptionError
				if !errors.As(e, &oe) {
					t.Errorf("error %v is not an *OptionError", e)
				}
				got = append(got, e.Error())
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors %q, want %d", got, len(tc.want))
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("error %d: %q, want it to contain %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestRenderInstances(t *testing.T) {
	b, err := Render(goldenOptions(ModeInvitation))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range b.StackSets {
		var is []string
		for _, i := range s.Instances {
			is = append(is, i.Account[:1]+"/"+i.Region)
		}
		got[s.Short] = strings.Join(is, " ")
	}
	// Accounts 1 (main), 2 and 3; regions eu-west-1 (main) and us-east-1
	// (global): the main account in the main region first.
	want := map[string]string{
		"audit-role":     "1/us-east-1 2/us-east-1 3/us-east-1",
		"cloudtrail":     "1/eu-west-1 2/eu-west-1 3/eu-west-1",
		"config":         "1/eu-west-1 1/us-east-1 2/eu-west-1 2/us-east-1 3/eu-west-1 3/us-east-1",
		"flowlogs":       "1/eu-west-1 1/us-east-1 2/eu-west-1 2/us-east-1 3/eu-west-1 3/us-east-1",
		"guardduty":      "1/eu-west-1 1/us-east-1 2/eu-west-1 2/us-east-1 3/eu-west-1 3/us-east-1",
		"athena":         "1/eu-west-1",
		"athena-queries": "1/eu-west-1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instances (-want +got):\n%s", diff)
	}
	b, err = Render(goldenOptions(ModeOrganization))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range b.StackSets {
		if s.Short == "guardduty" || s.Short == "cloudtrail" {
			var is []string
			for _, i := range s.Instances {
				is = append(is, i.Account[:1]+"/"+i.Region)
			}
			// Organization mode: the administrator only, and one
			// organization trail.
			want := map[string]string{"guardduty": "1/eu-west-1 1/us-east-1", "cloudtrail": "1/eu-west-1"}[s.Short]
			if got := strings.Join(is, " "); got != want {
				t.Errorf("organization %s instances %s, want %s", s.Short, got, want)
			}
		}
	}
}

// TestRenderSplitsQueries checks that saved queries too many for one
// template go to several StackSets, each under CloudFormation's limit.
func TestRenderSplitsQueries(t *testing.T) {
	o := goldenOptions(ModeOrganization)
	o.Queries = nil
	for i := range 120 {
		o.Queries = append(o.Queries, queries.Query{
			Name: fmt.Sprintf("Query%03d", i), Description: "A long query.", Athena: true, Table: "cloudtrail",
			SQL: "select eventname, count(*) as n\nfrom auditing.cloudtrail\nwhere date > '2020-10'\n" + strings.Repeat("  and eventname <> 'x'\n", 20) + "group by eventname",
		})
	}
	b, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	n := 0
	for _, s := range b.StackSets {
		if !strings.HasPrefix(s.Short, "athena-queries") {
			continue
		}
		parts = append(parts, s.Short)
		n += strings.Count(s.Template, "Type: AWS::Athena::NamedQuery")
		if len(s.Template) > MaxTemplateBytes {
			t.Errorf("%s: %d bytes", s.Short, len(s.Template))
		}
	}
	if len(parts) < 2 || parts[1] != "athena-queries-2" || n != 120 {
		t.Errorf("query StackSets %v with %d queries, want several with 120", parts, n)
	}
}

func TestNamedQuery(t *testing.T) {
	q, err := newNamedQuery(goldenQueries[1])
	if err != nil {
		t.Fatal(err)
	}
	want := namedQuery{
		Name:        "IPActivity",
		Description: "Every call made from a source IP address. Parameters, in order: ip (Source IP address).",
		LogicalID:   "QueryIPActivity",
		SQL:         "select eventtime, eventname\nfrom auditing.cloudtrail\nwhere sourceipaddress = ?\n  and date >= date_format(current_date - interval '30' day, '%Y-%m-%d')",
	}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Errorf("named query (-want +got):\n%s", diff)
	}
}

func TestLakeColumns(t *testing.T) {
	cols, err := flowLogColumns()
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != len(flowLogFields) {
		t.Fatalf("%d columns for %d fields", len(cols), len(flowLogFields))
	}
	// Spot checks against AWS's documented flow-log table.
	for _, want := range []column{
		{Name: "version", Hive: "int", Trino: "integer"},
		{Name: "end", Hive: "bigint", Trino: "bigint"},
		{Name: "log_status", Hive: "string", Trino: "varchar"},
		{Name: "traffic_path", Hive: "int", Trino: "integer"},
	} {
		found := false
		for _, c := range cols {
			if c.Name == want.Name {
				found = true
				if c != want {
					t.Errorf("column %+v, want %+v", c, want)
				}
			}
		}
		if !found {
			t.Errorf("no column %s", want.Name)
		}
	}
	ct, err := lakeColumns("cloudtrail")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ct {
		if strings.HasPrefix(c.Name, "vigil_") {
			t.Errorf("lake-only column %s in the raw table", c.Name)
		}
		if c.Name == "resources" && (c.Hive != "array<struct<arn:string,accountid:string,type:string>>" || c.Trino != "array(row(arn varchar, accountid varchar, type varchar))") {
			t.Errorf("resources column %+v", c)
		}
	}
}

func TestParsePreference(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Preference
		err  bool
	}{
		{"3", Preference{3, false}, false},
		{"25%", Preference{25, true}, false},
		{" 0 ", Preference{0, false}, false},
		{"101%", Preference{}, true},
		{"-1", Preference{}, true},
		{"many", Preference{}, true},
	} {
		got, err := ParsePreference(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParsePreference(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestBatches(t *testing.T) {
	d := &deployer{main: Instance{"111111111111", "eu-west-1"}}
	in := []Instance{
		{"111111111111", "eu-west-1"}, {"111111111111", "us-east-1"},
		{"222222222222", "eu-west-1"}, {"222222222222", "us-east-1"},
		{"333333333333", "us-east-1"},
		{"444444444444", "eu-west-1"}, {"444444444444", "us-east-1"},
	}
	var got []string
	for _, b := range d.batches(in) {
		got = append(got, strings.Join(b.accounts, ",")+" x "+strings.Join(b.regions, ","))
	}
	want := []string{
		"111111111111 x eu-west-1",
		"111111111111 x us-east-1",
		"222222222222,444444444444 x eu-west-1,us-east-1",
		"333333333333 x us-east-1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batches (-want +got):\n%s", diff)
	}
}
