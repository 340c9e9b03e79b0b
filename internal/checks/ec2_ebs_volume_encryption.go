package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_ebs_volume_encryption",
		Title: "EBS volume is encrypted",
		Description: "AWS Config's encrypted-volumes: an unencrypted EBS volume, and every snapshot taken from it, holds its data " +
			"in clear at rest. Unlike that rule, detached volumes are checked too.",
		Service:      "ec2",
		Severity:     compliance.High,
		ResourceType: collect.TypeEC2Volume,
		Remediation:  "Snapshot the volume, copy the snapshot with --encrypted (aws ec2 copy-snapshot --encrypted --kms-key-id <key>), create a volume from the copy and swap it in",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeEC2Volume, "EBS volumes", func(it *inventory.Item) (compliance.Result, bool) {
				switch enc, known := inventory.Bool(it.Conf(), "encrypted"); {
				case !known:
					return compliance.ErrorFor(it, "volume %s: its encryption was not recorded", it.ResourceID), true
				case enc:
					return compliance.PassFor(it, "volume %s is encrypted", it.ResourceID), true
				}
				return compliance.FailFor(it, "volume %s is not encrypted", it.ResourceID), true
			})
		},
	})
}
