package checks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

const testAccount = "111122223333"

// item builds a configuration item for tests from its configuration JSON.
func item(resourceType, region, id, configuration string) *inventory.Item {
	if configuration != "" && !json.Valid([]byte(configuration)) {
		panic("bad test configuration: " + configuration)
	}
	return &inventory.Item{
		AccountID: testAccount, ResourceType: resourceType, ResourceID: id, ResourceName: id,
		Region: region, Status: inventory.StatusOK, Configuration: json.RawMessage(configuration),
	}
}

// gap builds a gap item: resourceType could not be collected in region.
func gap(resourceType, region, permission, code string) *inventory.Item {
	return &inventory.Item{
		AccountID: testAccount, ResourceType: inventory.GapType, ResourceID: resourceType + "/" + permission,
		ResourceName: resourceType, Region: region,
		Errors: []inventory.CallError{{Permission: permission, Code: code, Region: region}},
	}
}

// regions builds the scanned-region items.
func regions(names ...string) []*inventory.Item {
	var out []*inventory.Item
	for _, n := range names {
		out = append(out, item(inventory.RegionType, n, n, `{"regionName":"`+n+`","scanned":true}`))
	}
	return out
}

// want is one expected result: status, and a resource id and reason
// substring when given.
type want struct {
	status   compliance.Status
	resource string
	reason   string
}

// checkCase is a table entry for runCases.
type checkCase struct {
	name  string
	items []*inventory.Item
	want  []want
}

// runCases evaluates check id over each case's items and compares the
// results, in order, with want.
func runCases(t *testing.T, id string, cases []checkCase) {
	t.Helper()
	c, ok := compliance.Lookup(id)
	if !ok {
		t.Fatalf("check %s not registered", id)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := compliance.NewAccount(testAccount, tc.items)
			got, err := compliance.Evaluate(a, compliance.Options{Checks: []string{c.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d results, want %d:\n%s", len(got), len(tc.want), dump(got))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Status != w.status || (w.resource != "" && g.ResourceID != w.resource) || !strings.Contains(g.Reason, w.reason) {
					t.Errorf("result %d = %s %s %q, want %s %s %q", i, g.Status, g.ResourceID, g.Reason, w.status, w.resource, w.reason)
				}
			}
		})
	}
}

func dump(rs []compliance.Result) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(string(r.Status) + " " + r.Region + " " + r.ResourceID + " " + r.Reason + "\n")
	}
	return b.String()
}

// TestRegistry checks every check's metadata and framework mapping.
func TestRegistry(t *testing.T) {
	all := compliance.Checks()
	if len(all) == 0 {
		t.Fatal("no checks registered")
	}
	for _, c := range all {
		if c.Remediation == "" || c.Description == "" {
			t.Errorf("%s: missing description or remediation", c.ID)
		}
		if len(c.Frameworks) == 0 {
			t.Errorf("%s: mapped to no framework in frameworks.json", c.ID)
		}
	}
}
