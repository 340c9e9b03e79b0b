package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestRDSClusterMultiAZ(t *testing.T) {
	const typ = collect.TypeRDSCluster
	runCases(t, "rds_cluster_multi_az", []checkCase{
		{"multi-AZ passes", []*inventory.Item{item(typ, "us-east-1", "cluster-1", `{"dbClusterIdentifier":"orders","multiAZ":true}`)},
			[]want{{compliance.Pass, "cluster-1", "orders is Multi-AZ"}}},
		{"Config's sample fails", []*inventory.Item{item(typ, "us-east-2", "cluster-test", `{"multiAZ":false,"engine":"aurora-mysql","dbclusterIdentifier":"test","dbclusterMembers":[{"dbinstanceIdentifier":"test-instance-1","isClusterWriter":false}]}`)},
			[]want{{compliance.Fail, "cluster-test", "test is not Multi-AZ (1 members)"}}},
		{"unrecorded is an error", []*inventory.Item{item(typ, "us-east-1", "cluster-2", `{"dbClusterIdentifier":"x"}`)},
			[]want{{compliance.Error, "cluster-2", "not recorded"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "us-east-1", "rds:DescribeDBClusters", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission rds:DescribeDBClusters"}}},
		{"no clusters", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no RDS DB clusters"}}},
	})
}
