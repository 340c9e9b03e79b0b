package collect_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// ec2AMI is an image moto knows.
const ec2AMI = "ami-03cf127a"

// ec2Must fails t when err is not nil.
func ec2Must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// ec2AssertDeclared checks that every IAM action counted during the
// collection is declared by one of the named collectors (region
// discovery's ec2:DescribeRegions excepted).
func ec2AssertDeclared(t *testing.T, snap *inventory.Snapshot, names ...string) {
	t.Helper()
	declared := map[string]bool{"ec2:DescribeRegions": true}
	for _, c := range inventory.Collectors() {
		if slices.Contains(names, c.Name) {
			for _, p := range c.Permissions {
				declared[p] = true
			}
		}
	}
	if len(snap.Calls) == 0 {
		t.Error("no calls counted")
	}
	for action := range snap.Calls {
		if !declared[action] {
			t.Errorf("call %s is not declared by %v", action, names)
		}
	}
}

// ec2Item returns the item of typ with id in the snapshot.
func ec2Item(t *testing.T, snap *inventory.Snapshot, typ, id string) *inventory.Item {
	t.Helper()
	for _, it := range collecttest.Of(snap, typ) {
		if it.ResourceID == id {
			return it
		}
	}
	t.Fatalf("no %s %s among %d items", typ, id, len(collecttest.Of(snap, typ)))
	return nil
}

// ec2GapFor returns the gap of typ in region, or nil.
func ec2GapFor(snap *inventory.Snapshot, region, typ string) *inventory.Item {
	for _, g := range collecttest.Gaps(snap) {
		if g.ResourceName == typ && g.Region == region {
			return g
		}
	}
	return nil
}

// ec2RoundTrip records a collection of the named collectors and replays
// it: the replayed items must equal the recorded ones.
func ec2RoundTrip(t *testing.T, env *collecttest.Env, regions []string, names ...string) {
	t.Helper()
	dir := t.TempDir()
	rec := env.CollectWith(t, inventory.Options{Regions: regions, Collectors: names, Record: dir})
	rep := env.CollectWith(t, inventory.Options{Regions: regions, Collectors: names, Replay: dir})
	if len(rec.Items) != len(rep.Items) {
		t.Fatalf("recorded %d items, replayed %d", len(rec.Items), len(rep.Items))
	}
	for i := range rec.Items {
		a, b := rec.Items[i], rep.Items[i]
		if a.ResourceID != b.ResourceID || !reflect.DeepEqual(a.Conf(), b.Conf()) || !reflect.DeepEqual(a.Supp(), b.Supp()) ||
			!reflect.DeepEqual(a.Relationships, b.Relationships) || !reflect.DeepEqual(a.Errors, b.Errors) {
			t.Errorf("item %d: recorded %s %s %v\nreplayed %s %s %v", i, a.ResourceID, a.Configuration, a.SupplementaryConfiguration,
				b.ResourceID, b.Configuration, b.SupplementaryConfiguration)
		}
	}
}
