package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2EBSPublicSnapshot(t *testing.T) {
	const typ = collect.TypeEBSSnapshot
	snap := func(id, perms string) *inventory.Item {
		it := item(typ, "us-east-1", id, `{"snapshotId":"`+id+`","volumeId":"vol-1","encrypted":false}`)
		if perms != "" {
			ec2Supp(it, "CreateVolumePermissions", perms)
		}
		return it
	}
	runCases(t, "ec2_ebs_public_snapshot", []checkCase{
		{"private passes", []*inventory.Item{snap("snap-1", `[]`)}, []want{{compliance.Pass, "snap-1", "not public"}}},
		{"shared with one account passes", []*inventory.Item{snap("snap-2", `[{"userId":"444455556666"}]`)},
			[]want{{compliance.Pass, "snap-2", "shared with 1 accounts"}}},
		{"group all fails", []*inventory.Item{snap("snap-3", `[{"group":"all"}]`)}, []want{{compliance.Fail, "snap-3", "is public"}}},
		{"API spelling", []*inventory.Item{snap("snap-4", `[{"Group":"all"}]`)}, []want{{compliance.Fail, "snap-4", "is public"}}},
		{"failed attribute call is an error", []*inventory.Item{ec2Failed(snap("snap-5", ""), "ec2:DescribeSnapshotAttribute", "UnauthorizedOperation")},
			[]want{{compliance.Error, "snap-5", "missing permission ec2:DescribeSnapshotAttribute"}}},
		{"unrecorded permissions are an error", []*inventory.Item{snap("snap-6", "")}, []want{{compliance.Error, "snap-6", "not recorded"}}},
		{"denied list is an error", []*inventory.Item{gap(typ, "us-east-1", "ec2:DescribeSnapshots", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeSnapshots"}}},
	})
}
