package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// rdsDB builds a DB instance item the way Config records it: resourceId
// the db-… resource id, configuration in Config's dBInstanceIdentifier
// spelling.
func rdsDB(name, fields string) *inventory.Item {
	it := item(collect.TypeRDSInstance, "us-east-1", "db-"+name, `{"dBInstanceIdentifier":"`+name+`","engine":"mysql","engineVersion":"8.0.35"`+fields+`}`)
	it.ResourceName = name
	return it
}

func TestRDSInstanceStorageEncrypted(t *testing.T) {
	runCases(t, "rds_instance_storage_encrypted", []checkCase{
		{"encrypted passes", []*inventory.Item{rdsDB("orders", `,"storageEncrypted":true,"kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/k"`)},
			[]want{{compliance.Pass, "db-orders", "orders storage is encrypted with key arn:aws:kms"}}},
		{"plain fails", []*inventory.Item{rdsDB("legacy", `,"storageEncrypted":false`)},
			[]want{{compliance.Fail, "db-legacy", "legacy storage is not encrypted"}}},
		{"Vigil spelling", []*inventory.Item{item(collect.TypeRDSInstance, "us-east-1", "db-x", `{"dbInstanceIdentifier":"x","storageEncrypted":true}`)},
			[]want{{compliance.Pass, "db-x", "DB instance x storage is encrypted"}}},
		{"unrecorded is an error", []*inventory.Item{rdsDB("old", ``)}, []want{{compliance.Error, "db-old", "not recorded"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeRDSInstance, "us-east-1", "rds:DescribeDBInstances", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission rds:DescribeDBInstances"}}},
		{"no instances", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no RDS DB instances"}}},
	})
}
