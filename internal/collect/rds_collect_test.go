package collect_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

var rdsCollectors = []string{"rds-instances", "rds-clusters", "rds-snapshots"}

// seedRDS creates in us-east-1 a hardened DB instance (encrypted,
// private, Multi-AZ, minor upgrades on), a lax one, an Aurora cluster,
// a public and a private DB snapshot and a public cluster snapshot.
func seedRDS(t *testing.T, env *collecttest.Env) {
	t.Helper()
	ctx := t.Context()
	c := rds.NewFromConfig(env.Config)
	for _, in := range []rds.CreateDBInstanceInput{
		{DBInstanceIdentifier: aws.String("orders"), StorageEncrypted: aws.Bool(true), PubliclyAccessible: aws.Bool(false), MultiAZ: aws.Bool(true), AutoMinorVersionUpgrade: aws.Bool(true),
			Tags: []rdstypes.Tag{{Key: aws.String("team"), Value: aws.String("shop")}}},
		{DBInstanceIdentifier: aws.String("legacy"), StorageEncrypted: aws.Bool(false), PubliclyAccessible: aws.Bool(true), MultiAZ: aws.Bool(false), AutoMinorVersionUpgrade: aws.Bool(false)},
	} {
		in.DBInstanceClass, in.Engine = aws.String("db.t3.micro"), aws.String("postgres")
		in.MasterUsername, in.MasterUserPassword, in.AllocatedStorage = aws.String("admin"), aws.String("not-a-secret-0"), aws.Int32(20)
		_, err := c.CreateDBInstance(ctx, &in)
		ec2Must(t, "create db instance "+aws.ToString(in.DBInstanceIdentifier), err)
	}
	_, err := c.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String("aurora"), Engine: aws.String("aurora-postgresql"), MasterUsername: aws.String("admin"),
		MasterUserPassword: aws.String("not-a-secret-0"), StorageEncrypted: aws.Bool(true),
	})
	ec2Must(t, "create cluster", err)

	for _, id := range []string{"legacy-public", "orders-private"} {
		db, _, _ := strings.Cut(id, "-")
		_, err := c.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String(db), DBSnapshotIdentifier: aws.String(id)})
		ec2Must(t, "create snapshot "+id, err)
	}
	_, err = c.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("legacy-public"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}})
	ec2Must(t, "make snapshot public", err)
	_, err = c.CreateDBClusterSnapshot(ctx, &rds.CreateDBClusterSnapshotInput{DBClusterIdentifier: aws.String("aurora"), DBClusterSnapshotIdentifier: aws.String("aurora-public")})
	ec2Must(t, "create cluster snapshot", err)
	_, err = c.ModifyDBClusterSnapshotAttribute(ctx, &rds.ModifyDBClusterSnapshotAttributeInput{DBClusterSnapshotIdentifier: aws.String("aurora-public"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}})
	ec2Must(t, "make cluster snapshot public", err)
}

// rdsByName returns the item of typ whose resourceName is name.
func rdsByName(t *testing.T, snap *inventory.Snapshot, typ, name string) *inventory.Item {
	t.Helper()
	for _, it := range collecttest.Of(snap, typ) {
		if it.ResourceName == name {
			return it
		}
	}
	t.Fatalf("no %s named %s", typ, name)
	return nil
}

// rdsRestore returns the values of the restore attribute in the item's
// supplementary attribute list key.
func rdsRestore(it *inventory.Item, key string) string {
	for _, a := range inventory.List(it.Supp(), key) {
		if inventory.Str(a, "attributeName") == "restore" {
			return fmt.Sprint(inventory.List(a, "attributeValues"))
		}
	}
	return "none"
}

func TestRDSCollectors(t *testing.T) {
	env := collecttest.New(t)
	seedRDS(t, env)
	snap := env.Collect(t, []string{"us-east-1"}, rdsCollectors...)
	ec2AssertDeclared(t, snap, rdsCollectors...)
	if gaps := collecttest.Gaps(snap); len(gaps) > 0 {
		t.Fatalf("gaps: %+v", gaps[0].Errors)
	}

	t.Run("record and replay", func(t *testing.T) { ec2RoundTrip(t, env, []string{"us-east-1"}, rdsCollectors...) })

	for name, want := range map[string]bool{"orders": true, "legacy": false} {
		it := rdsByName(t, snap, collect.TypeRDSInstance, name)
		c := it.Conf()
		for _, key := range []string{"storageEncrypted", "multiAZ", "autoMinorVersionUpgrade"} {
			if got, ok := inventory.Bool(c, key); !ok || got != want {
				t.Errorf("%s: %s = %v (known %v), want %v", name, key, got, ok, want)
			}
		}
		if got, _ := inventory.Bool(c, "publiclyAccessible"); got == want {
			t.Errorf("%s: publiclyAccessible = %v", name, got)
		}
		if !strings.HasPrefix(it.ResourceID, "db-") || it.ARN != "arn:aws:rds:us-east-1:"+collecttest.Account+":db:"+name {
			t.Errorf("%s: id %s arn %s", name, it.ResourceID, it.ARN)
		}
	}
	orders := rdsByName(t, snap, collect.TypeRDSInstance, "orders")
	if orders.Tags["team"] != "shop" || !strings.Contains(string(orders.SupplementaryConfiguration["Tags"]), `"key":"team"`) {
		t.Errorf("tags %v supplementary %s", orders.Tags, orders.SupplementaryConfiguration["Tags"])
	}
	if orders.AvailabilityZone != "Multiple Availability Zones" {
		t.Errorf("multi-AZ instance zone %q", orders.AvailabilityZone)
	}

	cl := rdsByName(t, snap, collect.TypeRDSCluster, "aurora")
	if enc, _ := inventory.Bool(cl.Conf(), "storageEncrypted"); !enc || inventory.Get(cl.Conf(), "multiAZ") == nil {
		t.Errorf("cluster %s", cl.Configuration)
	}

	for name, want := range map[string]string{"legacy-public": "[all]", "orders-private": "[]"} {
		if got := rdsRestore(rdsByName(t, snap, collect.TypeRDSSnapshot, name), "DBSnapshotAttributes"); got != want {
			t.Errorf("snapshot %s restore = %s, want %s", name, got, want)
		}
	}
	if got := rdsRestore(rdsByName(t, snap, collect.TypeRDSClusterSnapshot, "aurora-public"), "DBClusterSnapshotAttributes"); got != "[all]" {
		t.Errorf("cluster snapshot restore = %s", got)
	}
}

// TestRDSCollectorsDenied: a denied list is a gap of its type only; a
// denied attribute call is an error on that snapshot's item.
func TestRDSCollectorsDenied(t *testing.T) {
	env := collecttest.New(t)
	seedRDS(t, env)
	env.Proxy.Fail("DescribeDBClusters", "AccessDenied", http.StatusForbidden, -1)
	env.Proxy.Fail("DescribeDBClusterSnapshotAttributes", "AccessDenied", http.StatusForbidden, -1)
	snap := env.Collect(t, []string{"us-east-1"}, rdsCollectors...)

	g := ec2GapFor(snap, "us-east-1", collect.TypeRDSCluster)
	if g == nil || g.Errors[0].Permission != "rds:DescribeDBClusters" || !g.Errors[0].Denied() {
		t.Errorf("cluster gap %+v", g)
	}
	if len(collecttest.Gaps(snap)) != 1 {
		t.Errorf("gaps %+v", collecttest.Gaps(snap))
	}
	cs := rdsByName(t, snap, collect.TypeRDSClusterSnapshot, "aurora-public")
	if len(cs.Errors) != 1 || cs.Errors[0].Permission != "rds:DescribeDBClusterSnapshotAttributes" || cs.Errors[0].Resource != "aurora-public" {
		t.Errorf("cluster snapshot errors %+v", cs.Errors)
	}
	if got := rdsRestore(cs, "DBClusterSnapshotAttributes"); got != "none" {
		t.Errorf("cluster snapshot restore %s despite the failed call", got)
	}
	if n := len(collecttest.Of(snap, collect.TypeRDSInstance)); n != 2 {
		t.Errorf("%d instances", n)
	}
}

// TestRDSInstancesPaginate: moto pages DescribeDBInstances at 100
// records; the collector merges the pages.
func TestRDSInstancesPaginate(t *testing.T) {
	env := collecttest.New(t)
	c := rds.NewFromConfig(env.Config)
	const n = 101
	for i := range n {
		_, err := c.CreateDBInstance(t.Context(), &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(fmt.Sprintf("db-%03d", i)), DBInstanceClass: aws.String("db.t3.micro"), Engine: aws.String("mysql"),
			MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("not-a-secret-0"), AllocatedStorage: aws.Int32(20),
		})
		ec2Must(t, "create db instance", err)
	}
	env.Proxy.ClearRequests()
	snap := env.Collect(t, []string{"us-east-1"}, "rds-instances")
	if got := len(collecttest.Of(snap, collect.TypeRDSInstance)); got != n {
		t.Errorf("%d instances, want %d", got, n)
	}
	if pages := env.Proxy.Calls("DescribeDBInstances"); pages != 2 {
		t.Errorf("%d DescribeDBInstances pages, want 2", pages)
	}
}
