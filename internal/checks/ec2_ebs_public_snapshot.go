package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_ebs_public_snapshot",
		Title: "EBS snapshot is not public",
		Description: "AWS Config's ebs-snapshot-public-restorable-check: a snapshot whose createVolumePermission includes the group " +
			"\"all\" can be copied into a volume by any AWS account, with all the data of the disk it was taken from.",
		Service:      "ec2",
		Severity:     compliance.Critical,
		ResourceType: collect.TypeEBSSnapshot,
		Remediation:  "aws ec2 modify-snapshot-attribute --snapshot-id <id> --attribute createVolumePermission --operation-type remove --group-names all; and aws ec2 enable-snapshot-block-public-access --state block-all-sharing",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeEBSSnapshot, "EBS snapshots", func(it *inventory.Item) (compliance.Result, bool) {
				if gap := compliance.ItemGap(it, "ec2:DescribeSnapshotAttribute"); gap != nil {
					return compliance.ErrorFor(it, "cannot read who may restore snapshot %s: %s", it.ResourceID, gap.Reason()), true
				}
				perms, known := inventory.Get(it.Supp(), "CreateVolumePermissions").([]any)
				if !known {
					return compliance.ErrorFor(it, "the create-volume permissions of snapshot %s were not recorded", it.ResourceID), true
				}
				for _, p := range perms {
					if inventory.Str(p, "group") == "all" {
						return compliance.FailFor(it, "snapshot %s is public: any AWS account can create a volume from it", it.ResourceID), true
					}
				}
				return compliance.PassFor(it, "snapshot %s is not public (shared with %d accounts)", it.ResourceID, len(perms)), true
			})
		},
	})
}
