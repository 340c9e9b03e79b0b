package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRDSInstanceMultiAZ(t *testing.T) {
	// Config's cluster sample spells the identifier dbclusterIdentifier.
	cluster := item(collect.TypeRDSCluster, "us-east-1", "cluster-test", `{"dbclusterIdentifier":"aurora","multiAZ":false,"engine":"aurora-mysql"}`)
	runCases(t, "rds_instance_multi_az", []checkCase{
		{"multi-AZ passes", []*inventory.Item{rdsDB("orders", `,"multiAZ":true`)}, []want{{compliance.Pass, "db-orders", "is Multi-AZ"}}},
		{"single-AZ fails", []*inventory.Item{rdsDB("legacy", `,"multiAZ":false,"availabilityZone":"us-east-1a"`)},
			[]want{{compliance.Fail, "db-legacy", "Single-AZ (us-east-1a)"}}},
		{"cluster member follows its cluster", []*inventory.Item{cluster, rdsDB("aurora-1", `,"multiAZ":false,"dBClusterIdentifier":"aurora"`)},
			[]want{{compliance.Fail, "db-aurora-1", "cluster aurora, which is not Multi-AZ"}}},
		{"missing cluster is an error", []*inventory.Item{rdsDB("aurora-2", `,"dbClusterIdentifier":"gone"`)},
			[]want{{compliance.Error, "db-aurora-2", "cluster gone, which is not in the snapshot"}}},
		{"clusters denied is an error", []*inventory.Item{gap(collect.TypeRDSCluster, "us-east-1", "rds:DescribeDBClusters", "AccessDenied"), rdsDB("aurora-3", `,"dbClusterIdentifier":"aurora"`)},
			[]want{{compliance.Error, "db-aurora-3", "missing permission rds:DescribeDBClusters"}}},
		{"instances denied is an error", []*inventory.Item{gap(collect.TypeRDSInstance, "us-east-1", "rds:DescribeDBInstances", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission rds:DescribeDBInstances"}}},
	})
}
