package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "rds_instance_minor_version_upgrade_enabled",
		Title: "RDS instance has automatic minor version upgrades enabled",
		Description: "CIS 3.2.2 and AWS Config's rds-automatic-minor-version-upgrade-enabled: minor engine versions carry security " +
			"fixes; with auto minor version upgrade they are applied in the maintenance window.",
		Service:      "rds",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeRDSInstance,
		Remediation:  "aws rds modify-db-instance --db-instance-identifier <id> --auto-minor-version-upgrade --apply-immediately",
		Eval: func(a *compliance.Account) []compliance.Result {
			return rdsEachInstance(a, func(db *inventory.Item, name string) compliance.Result {
				switch on, known := inventory.Bool(db.Conf(), "autoMinorVersionUpgrade"); {
				case !known:
					return compliance.ErrorFor(db, "DB instance %s: its auto minor version upgrade setting was not recorded", name)
				case on:
					return compliance.PassFor(db, "DB instance %s upgrades minor versions automatically", name)
				}
				return compliance.FailFor(db, "DB instance %s does not upgrade minor versions automatically (engine %s %s)", name,
					inventory.Str(db.Conf(), "engine"), inventory.Str(db.Conf(), "engineVersion"))
			})
		},
	})
}
