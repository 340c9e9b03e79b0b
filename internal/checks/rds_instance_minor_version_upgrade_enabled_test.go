package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRDSInstanceMinorVersionUpgradeEnabled(t *testing.T) {
	runCases(t, "rds_instance_minor_version_upgrade_enabled", []checkCase{
		{"on passes", []*inventory.Item{rdsDB("orders", `,"autoMinorVersionUpgrade":true`)},
			[]want{{compliance.Pass, "db-orders", "upgrades minor versions automatically"}}},
		{"off fails", []*inventory.Item{rdsDB("legacy", `,"autoMinorVersionUpgrade":false`)},
			[]want{{compliance.Fail, "db-legacy", "engine mysql 8.0.35"}}},
		{"API spelling", []*inventory.Item{item(collect.TypeRDSInstance, "us-east-1", "db-y", `{"DBInstanceIdentifier":"y","AutoMinorVersionUpgrade":false}`)},
			[]want{{compliance.Fail, "db-y", "DB instance y"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeRDSInstance, "us-east-1", "rds:DescribeDBInstances", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission rds:DescribeDBInstances"}}},
	})
}
