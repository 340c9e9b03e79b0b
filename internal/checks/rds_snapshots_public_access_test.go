package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRDSSnapshotsPublicAccess(t *testing.T) {
	const (
		snapType = collect.TypeRDSSnapshot
		clType   = collect.TypeRDSClusterSnapshot
	)
	snap := func(id, typ, kind, attrs string) *inventory.Item {
		it := item(typ, "us-east-1", id, `{"snapshotType":"`+kind+`"}`)
		if attrs != "" {
			key := "DBSnapshotAttributes"
			if typ == clType {
				key = "DBClusterSnapshotAttributes"
			}
			ec2Supp(it, key, attrs)
		}
		return it
	}
	runCases(t, "rds_snapshots_public_access", []checkCase{
		{"private passes (Config's sample)", []*inventory.Item{snap("rds:myrdstest-2016-10-20-23-52", snapType, "automated", `[{"attributeName":"restore","attributeValues":[]}]`)},
			[]want{{compliance.Pass, "rds:myrdstest-2016-10-20-23-52", "not public"}}},
		{"public snapshot and cluster snapshot fail", []*inventory.Item{
			snap("orders-manual", snapType, "manual", `[{"attributeName":"restore","attributeValues":["all"]}]`),
			snap("aurora-manual", clType, "manual", `[{"AttributeName":"restore","AttributeValues":["444455556666","all"]}]`)},
			[]want{{compliance.Fail, "aurora-manual", "restore: all"}, {compliance.Fail, "orders-manual", "restore: all"}}},
		{"shared with an account passes", []*inventory.Item{snap("shared", snapType, "manual", `[{"attributeName":"restore","attributeValues":["444455556666"]}]`)},
			[]want{{compliance.Pass, "shared", ""}}},
		{"automated without attributes passes", []*inventory.Item{snap("rds:auto", snapType, "automated", "")},
			[]want{{compliance.Pass, "rds:auto", "automated snapshots cannot be shared"}}},
		{"failed attribute call is an error", []*inventory.Item{ec2Failed(snap("m", clType, "manual", ""), "rds:DescribeDBClusterSnapshotAttributes", "AccessDenied")},
			[]want{{compliance.Error, "m", "missing permission rds:DescribeDBClusterSnapshotAttributes"}}},
		{"manual without attributes is an error", []*inventory.Item{snap("m2", snapType, "manual", "")},
			[]want{{compliance.Error, "m2", "were not recorded"}}},
		{"denied list is an error", []*inventory.Item{gap(snapType, "us-east-1", "rds:DescribeDBSnapshots", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission rds:DescribeDBSnapshots"}}},
		{"no snapshots", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no RDS snapshots"}}},
	})
}
