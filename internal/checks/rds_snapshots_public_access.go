package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "rds_snapshots_public_access",
		Title: "RDS snapshot is not publicly shared",
		Description: "AWS Config's rds-snapshots-public-prohibited: a DB snapshot or DB cluster snapshot whose restore attribute " +
			"includes \"all\" can be restored by any AWS account, with all the data of the database.",
		Service:      "rds",
		Severity:     compliance.Critical,
		ResourceType: collect.TypeRDSSnapshot,
		Remediation:  "aws rds modify-db-snapshot-attribute --db-snapshot-identifier <id> --attribute-name restore --values-to-remove all (modify-db-cluster-snapshot-attribute for cluster snapshots)",
		Eval: func(a *compliance.Account) []compliance.Result {
			out := ec2Each(a, collect.TypeRDSSnapshot, "RDS snapshots", func(it *inventory.Item) (compliance.Result, bool) {
				return rdsSnapshotPublic(it, "DBSnapshotAttributes", "rds:DescribeDBSnapshotAttributes"), true
			})
			cl := ec2Each(a, collect.TypeRDSClusterSnapshot, "RDS cluster snapshots", func(it *inventory.Item) (compliance.Result, bool) {
				return rdsSnapshotPublic(it, "DBClusterSnapshotAttributes", "rds:DescribeDBClusterSnapshotAttributes"), true
			})
			// One NOT_APPLICABLE when neither kind exists; drop a
			// NOT_APPLICABLE beside results of the other kind.
			switch {
			case len(cl) == 1 && cl[0].Status == compliance.NotApplicable:
				return out
			case len(out) == 1 && out[0].Status == compliance.NotApplicable:
				return cl
			}
			return append(out, cl...)
		},
	})
}
