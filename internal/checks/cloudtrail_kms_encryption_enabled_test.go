package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCloudTrailKMSEncryptionEnabled(t *testing.T) {
	const typ = collect.TypeCloudTrailTrail
	runCases(t, "cloudtrail_kms_encryption_enabled", []checkCase{
		{"encrypted trail passes", []*inventory.Item{item(typ, "us-east-1", "t1", `{"name":"t1","kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/k1"}`)},
			[]want{{compliance.Pass, "t1", "key/k1"}}},
		{"Config spelling", []*inventory.Item{item(typ, "us-east-1", "t1", `{"Name":"t1","KmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/k2"}`)},
			[]want{{compliance.Pass, "t1", "key/k2"}}},
		{"unencrypted trail fails", []*inventory.Item{lgTrail()}, []want{{compliance.Fail, "main", "does not encrypt"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "us-east-1", "cloudtrail:DescribeTrails", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}}},
	})
}
