package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "rds_cluster_multi_az",
		Title: "RDS cluster has Multi-AZ enabled",
		Description: "CIS 3.2.4 and AWS Config's rds-cluster-multi-az-enabled: a cluster whose instances span several Availability " +
			"Zones (Aurora with a replica in another zone, or a Multi-AZ DB cluster) survives the loss of one zone.",
		Service:      "rds",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeRDSCluster,
		Remediation:  "Add a reader in another Availability Zone: aws rds create-db-instance --db-cluster-identifier <cluster> --db-instance-identifier <new> --availability-zone <other zone> --engine <engine> --db-instance-class <class>",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeRDSCluster, "RDS DB clusters", func(c *inventory.Item) (compliance.Result, bool) {
				name := rdsClusterName(c)
				switch on, known := inventory.Bool(c.Conf(), "multiAZ"); {
				case !known:
					return compliance.ErrorFor(c, "DB cluster %s: its Multi-AZ setting was not recorded", name), true
				case on:
					return compliance.PassFor(c, "DB cluster %s is Multi-AZ", name), true
				}
				return compliance.FailFor(c, "DB cluster %s is not Multi-AZ (%d members)", name, len(inventory.List(c.Conf(), "dbClusterMembers"))), true
			})
		},
	})
}
