package baseline

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	_ "github.com/vigil-sec/vigil/internal/collect" // register the collectors
	"github.com/vigil-sec/vigil/internal/queries"
)

// update rewrites the golden files: go test ./internal/baseline -run TestRenderGolden -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenActions and goldenQueries stand in for the collectors' actions and
// the saved queries, so that the golden files do not change each time a
// collector or a query is added (TestRenderDefaults covers the real ones).
var goldenActions = []string{"ec2:DescribeRegions", "guardduty:GetDetector", "iam:GetAccountPasswordPolicy", "sts:GetCallerIdentity"}

var goldenQueries = []queries.Query{
	{
		Name:        "RootLogin30Days",
		Description: "Root user activity in the last 30 days.",
		SQL:         "select eventtime, account, eventname\nfrom auditing.cloudtrail\nwhere useridentity.type = 'Root'\n  and date > to_iso8601(now() - interval '30' day)\norder by eventtime desc",
		Table:       "cloudtrail", Athena: true,
	},
	{
		Name:        "IPActivity",
		Description: "Every call made from a source IP address.",
		SQL:         "select eventtime, eventname\nfrom auditing.cloudtrail\nwhere sourceipaddress = {{ip}}\n  and date >= date_format(current_date - interval {{days}} day, '%Y-%m-%d')",
		Params:      []queries.Param{{Name: "ip", Description: "Source IP address."}, {Name: "days", Default: "30", Description: "Days to read."}},
		Table:       "cloudtrail", Athena: true,
	},
}

func goldenOptions(mode Mode) Options {
	o := Options{
		Mode:         mode,
		MainAccount:  "111111111111",
		MainRegion:   "eu-west-1",
		GlobalRegion: "us-east-1",
		Accounts:     []string{"222222222222", "333333333333"},
		Regions:      []string{"eu-west-1", "us-east-1"},
		AuditActions: goldenActions,
		Queries:      goldenQueries,
	}
	if mode == ModeOrganization {
		o.OrganizationID = "o-exampleorg1"
	} else {
		o.Accounts = nil
		o.Members = []Member{{"333333333333", "sec+c@example.com"}, {"222222222222", "sec+b@example.com"}}
	}
	return o
}

func TestRenderGolden(t *testing.T) {
	for _, mode := range []Mode{ModeOrganization, ModeInvitation} {
		t.Run(string(mode), func(t *testing.T) {
			b, err := Render(goldenOptions(mode))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if _, err := b.Write(dir); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", string(mode))
			if *update {
				if err := os.RemoveAll(golden); err != nil {
					t.Fatal(err)
				}
				if err := os.CopyFS(golden, os.DirFS(dir)); err != nil {
					t.Fatal(err)
				}
			}
			got := readDir(t, dir)
			want := readDir(t, golden)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rendered files differ from %s (-want +got; rerun with -update to accept):\n%s", golden, diff)
			}
		})
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// TestRenderCFNLint runs cfn-lint, as CI does, on the templates rendered
// with the real collectors' actions and saved queries, in both modes.
func TestRenderCFNLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint not found: install it (pip install cfn-lint); every machine of this kind has it")
	}
	for _, mode := range []Mode{ModeOrganization, ModeInvitation} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel() // cfn-lint takes seconds per run
			o := goldenOptions(mode)
			o.AuditActions, o.Queries = nil, nil
			b, err := Render(o)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if _, err := b.Write(dir); err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
			if len(files) != len(b.StackSets) {
				t.Fatalf("%d templates written, want %d", len(files), len(b.StackSets))
			}
			var out bytes.Buffer
			cmd := exec.CommandContext(t.Context(), lint, append([]string{"--format", "parseable", "--"}, files...)...)
			cmd.Stdout, cmd.Stderr = &out, &out
			err = cmd.Run()
			var ee *exec.ExitError
			switch {
			case err == nil:
			case errors.As(err, &ee) && ee.ExitCode()&^(4|8) == 0:
				// Warnings (4) and informational messages (8) only.
				t.Logf("cfn-lint warnings:\n%s", out.String())
			default:
				t.Errorf("cfn-lint: %v\n%s", err, out.String())
			}
		})
	}
}

// TestRenderDefaults checks what the golden files leave out: the audit
// role carries every action the collectors declare, and the Athena template
// every saved query that runs on Athena, RootLogin30Days and
// AdminRoleLogin30Days included.
func TestRenderDefaults(t *testing.T) {
	o := goldenOptions(ModeOrganization)
	o.AuditActions, o.Queries = nil, nil
	b, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	templates := map[string]map[string]any{}
	for _, s := range b.StackSets {
		var doc map[string]any
		if err := yaml.Unmarshal([]byte(s.Template), &doc); err != nil {
			t.Fatalf("%s: %v", s.Short, err)
		}
		templates[s.Short] = doc
	}
	var actions []string
	for _, r := range resources(templates["audit-role"], "AWS::IAM::ManagedPolicy") {
		for _, st := range r["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			for _, a := range st.(map[string]any)["Action"].([]any) {
				actions = append(actions, a.(string))
			}
		}
	}
	want := AuditActions()
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("audit role actions (-want +got):\n%s", diff)
	}
	for _, a := range []string{"iam:GetAccountPasswordPolicy", "guardduty:ListDetectors", "sts:GetCallerIdentity"} {
		if !slices.Contains(actions, a) {
			t.Errorf("audit role lacks %s", a)
		}
	}
	for _, a := range actions {
		if !readAction(a) {
			t.Errorf("audit role action %s is not a read action", a)
		}
	}
	var names []string
	for short, doc := range templates {
		for _, r := range resources(doc, "AWS::Athena::NamedQuery") {
			if !strings.HasPrefix(short, "athena-queries") {
				t.Errorf("named query %s in %s", r["Name"], short)
			}
			names = append(names, r["Name"].(string))
			if sql := r["QueryString"].(string); strings.Contains(sql, "{{") {
				t.Errorf("named query %s has an unbound placeholder:\n%s", r["Name"], sql)
			}
		}
	}
	var wantNames []string
	for _, q := range queries.All() {
		if q.Athena {
			wantNames = append(wantNames, q.Name)
		}
	}
	slices.Sort(names)
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("named queries (-want +got):\n%s", diff)
	}
	for _, n := range []string{"RootLogin30Days", "AdminRoleLogin30Days"} {
		if !slices.Contains(names, n) {
			t.Errorf("no named query %s", n)
		}
	}
}

// readAction reports whether an IAM action only reads.
func readAction(a string) bool {
	_, name, _ := strings.Cut(a, ":")
	for _, p := range []string{"Get", "List", "Describe", "Search", "Lookup", "BatchGet", "GenerateCredentialReport", "View", "Query", "Scan", "Select"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// resources returns the properties of a template's resources of one type.
func resources(doc map[string]any, typ string) []map[string]any {
	var out []map[string]any
	for _, r := range doc["Resources"].(map[string]any) {
		r := r.(map[string]any)
		if r["Type"] == typ {
			out = append(out, r["Properties"].(map[string]any))
		}
	}
	return out
}
