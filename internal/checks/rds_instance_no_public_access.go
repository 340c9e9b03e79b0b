package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "rds_instance_no_public_access",
		Title: "RDS instance is not publicly accessible",
		Description: "CIS 3.2.3 and AWS Config's rds-instance-public-access-check: a publicly accessible instance gets a public DNS " +
			"name and address, so only its security groups stand between the database and the internet. The result says whether " +
			"an attached security group also admits the internet on the database port; when none does, it fails at medium severity.",
		Service:      "rds",
		Severity:     compliance.Critical,
		ResourceType: collect.TypeRDSInstance,
		Remediation:  "aws rds modify-db-instance --db-instance-identifier <id> --no-publicly-accessible --apply-immediately",
		Eval: func(a *compliance.Account) []compliance.Result {
			sgs := ec2Index(a, collect.TypeEC2SecurityGroup)
			return rdsEachInstance(a, func(db *inventory.Item, name string) compliance.Result {
				public, known := inventory.Bool(db.Conf(), "publiclyAccessible")
				switch {
				case !known:
					return compliance.ErrorFor(db, "DB instance %s: whether it is publicly accessible was not recorded", name)
				case !public:
					return compliance.PassFor(db, "DB instance %s is not publicly accessible", name)
				}
				port, ok := inventory.Int(db.Conf(), "endpoint", "port")
				if !ok || port == 0 {
					port, ok = inventory.Int(db.Conf(), "dbInstancePort")
				}
				var ids []string
				for _, g := range inventory.List(db.Conf(), "vpcSecurityGroups") {
					ids = append(ids, inventory.Str(g, "vpcSecurityGroupId"))
				}
				if !ok || port == 0 {
					return compliance.FailFor(db, "DB instance %s is publicly accessible", name)
				}
				open, unknown := ec2GroupsOpen(a, sgs, db.Region, ids, port)
				switch {
				case len(open) > 0:
					return compliance.FailFor(db, "DB instance %s is publicly accessible and open to the internet: %s", name, strings.Join(open, ", "))
				case unknown != "":
					return compliance.FailFor(db, "DB instance %s is publicly accessible (%s)", name, unknown)
				}
				r := compliance.FailFor(db, "DB instance %s is publicly accessible; its security groups do not admit the internet on port %d", name, port)
				r.Severity = compliance.Medium
				return r
			})
		},
	})
}
