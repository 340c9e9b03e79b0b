package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEFSEncryptionAtRestEnabled(t *testing.T) {
	const typ = collect.TypeEFSFileSystem
	runCases(t, "efs_encryption_at_rest_enabled", []checkCase{
		{"encrypted passes", []*inventory.Item{item(typ, "us-east-1", "fs-1", `{"fileSystemId":"fs-1","encrypted":true,"kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}`)},
			[]want{{compliance.Pass, "fs-1", "encrypted at rest with key"}}},
		{"plain fails", []*inventory.Item{item(typ, "us-east-1", "fs-2", `{"fileSystemId":"fs-2","encrypted":false}`)},
			[]want{{compliance.Fail, "fs-2", "not encrypted"}}},
		{"Config's CloudFormation spelling", []*inventory.Item{item(typ, "us-east-1", "fs-3", `{"FileSystemId":"fs-3","Encrypted":false,"PerformanceMode":"generalPurpose","BackupPolicy":{"Status":"ENABLED"}}`)},
			[]want{{compliance.Fail, "fs-3", "not encrypted"}}},
		{"unrecorded is an error", []*inventory.Item{item(typ, "us-east-1", "fs-4", `{"fileSystemId":"fs-4"}`)},
			[]want{{compliance.Error, "fs-4", "not recorded"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "us-east-1", "elasticfilesystem:DescribeFileSystems", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission elasticfilesystem:DescribeFileSystems"}}},
		{"no file systems", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no EFS file systems"}}},
	})
}
