package collect_test

import (
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// assertCallsDeclared fails t when snap counted a call that collector
// does not declare in its Permissions.
func assertCallsDeclared(t *testing.T, snap *inventory.Snapshot, collector string) {
	t.Helper()
	i := slices.IndexFunc(inventory.Collectors(), func(c *inventory.Collector) bool { return c.Name == collector })
	if i < 0 {
		t.Fatalf("collector %q not registered", collector)
	}
	declared := inventory.Collectors()[i].Permissions
	if len(snap.Calls) == 0 {
		t.Errorf("%s: no calls counted", collector)
	}
	for action := range snap.Calls {
		if action == "ec2:DescribeRegions" || action == "sts:GetCallerIdentity" {
			continue // the framework's own calls
		}
		if !slices.Contains(declared, action) {
			t.Errorf("%s called %s, which it does not declare (declared %v)", collector, action, declared)
		}
	}
}

// itemErrors returns the permissions of the errors recorded on it.
func itemErrors(it *inventory.Item) []string {
	var out []string
	for _, e := range it.Errors {
		out = append(out, e.Permission+" "+e.Code)
	}
	return out
}
