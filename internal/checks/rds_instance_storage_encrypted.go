package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "rds_instance_storage_encrypted",
		Title: "RDS DB instance storage is encrypted at rest",
		Description: "CIS 3.2.1 and AWS Config's rds-storage-encrypted: encryption at rest covers the instance's storage, automated " +
			"backups, read replicas and snapshots. It can only be chosen at creation.",
		Service:      "rds",
		Severity:     compliance.High,
		ResourceType: collect.TypeRDSInstance,
		Remediation:  "Snapshot the instance, copy the snapshot with encryption (aws rds copy-db-snapshot --kms-key-id <key>), restore from the copy and switch clients over",
		Eval: func(a *compliance.Account) []compliance.Result {
			return rdsEachInstance(a, func(db *inventory.Item, name string) compliance.Result {
				switch enc, known := inventory.Bool(db.Conf(), "storageEncrypted"); {
				case !known:
					return compliance.ErrorFor(db, "DB instance %s: its storage encryption was not recorded", name)
				case enc:
					return compliance.PassFor(db, "DB instance %s storage is encrypted%s", name, ec2KeyNote(db))
				}
				return compliance.FailFor(db, "DB instance %s storage is not encrypted", name)
			})
		},
	})
}

// rdsEachInstance evaluates fn over every DB instance, with its
// identifier.
func rdsEachInstance(a *compliance.Account, fn func(db *inventory.Item, name string) compliance.Result) []compliance.Result {
	return ec2Each(a, collect.TypeRDSInstance, "RDS DB instances", func(db *inventory.Item) (compliance.Result, bool) {
		name := inventory.Str(db.Conf(), "dbInstanceIdentifier")
		if name == "" {
			name = ec2Label(db)
		}
		return fn(db, name), true
	})
}
