package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "efs_encryption_at_rest_enabled",
		Title: "EFS file system has encryption at rest enabled",
		Description: "CIS 3.3.1 and AWS Config's efs-encrypted-check: encryption at rest protects the file system's data and " +
			"metadata with a KMS key. It can only be chosen at creation.",
		Service:      "efs",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeEFSFileSystem,
		Remediation:  "Create an encrypted file system (aws efs create-file-system --encrypted --kms-key-id <key>), copy the data with AWS DataSync and move the mount targets over",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeEFSFileSystem, "EFS file systems", func(fs *inventory.Item) (compliance.Result, bool) {
				switch enc, known := inventory.Bool(fs.Conf(), "encrypted"); {
				case !known:
					return compliance.ErrorFor(fs, "file system %s: its encryption was not recorded", ec2Label(fs)), true
				case enc:
					return compliance.PassFor(fs, "file system %s is encrypted at rest%s", ec2Label(fs), ec2KeyNote(fs)), true
				}
				return compliance.FailFor(fs, "file system %s is not encrypted at rest", ec2Label(fs)), true
			})
		},
	})
}
