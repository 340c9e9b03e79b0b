package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "rds_instance_multi_az",
		Title: "RDS instance has Multi-AZ enabled",
		Description: "CIS 3.2.4 and AWS Config's rds-multi-az-support: a Multi-AZ deployment keeps a standby in another Availability " +
			"Zone and fails over to it. An instance that belongs to a DB cluster is judged by its cluster's Multi-AZ setting.",
		Service:      "rds",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeRDSInstance,
		Remediation:  "aws rds modify-db-instance --db-instance-identifier <id> --multi-az --apply-immediately",
		Eval: func(a *compliance.Account) []compliance.Result {
			clusters := map[[2]string]*inventory.Item{}
			for _, c := range a.Items(collect.TypeRDSCluster) {
				clusters[[2]string{c.Region, rdsClusterName(c)}] = c
			}
			return rdsEachInstance(a, func(db *inventory.Item, name string) compliance.Result {
				if cl := inventory.Str(db.Conf(), "dbClusterIdentifier"); cl != "" {
					c := clusters[[2]string{db.Region, cl}]
					if c == nil {
						if gap := a.Gap(db.Region, collect.TypeRDSCluster); gap != nil {
							return compliance.ErrorFor(db, "DB instance %s belongs to cluster %s, which could not be read: %s", name, cl, gap.Reason())
						}
						return compliance.ErrorFor(db, "DB instance %s belongs to cluster %s, which is not in the snapshot", name, cl)
					}
					if on, _ := inventory.Bool(c.Conf(), "multiAZ"); on {
						return compliance.PassFor(db, "DB instance %s belongs to Multi-AZ cluster %s", name, cl)
					}
					return compliance.FailFor(db, "DB instance %s belongs to cluster %s, which is not Multi-AZ", name, cl)
				}
				switch on, known := inventory.Bool(db.Conf(), "multiAZ"); {
				case !known:
					return compliance.ErrorFor(db, "DB instance %s: its Multi-AZ setting was not recorded", name)
				case on:
					return compliance.PassFor(db, "DB instance %s is Multi-AZ", name)
				}
				return compliance.FailFor(db, "DB instance %s is Single-AZ (%s)", name, inventory.Str(db.Conf(), "availabilityZone"))
			})
		},
	})
}

// rdsClusterName is a DB cluster's identifier.
func rdsClusterName(c *inventory.Item) string {
	if n := inventory.Str(c.Conf(), "dbClusterIdentifier"); n != "" {
		return n
	}
	return c.ResourceName
}
