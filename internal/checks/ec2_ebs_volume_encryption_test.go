package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2EBSVolumeEncryption(t *testing.T) {
	const typ = collect.TypeEC2Volume
	runCases(t, "ec2_ebs_volume_encryption", []checkCase{
		{"encrypted passes (Config's sample)", []*inventory.Item{item(typ, "us-east-1", "vol-a416b170", `{"volumeId":"vol-a416b170","size":8,"state":"in-use","encrypted":true,"kmsKeyId":"arn:aws:kms:us-east-1:111122223333:key/k"}`)},
			[]want{{compliance.Pass, "vol-a416b170", "is encrypted"}}},
		{"plain fails", []*inventory.Item{item(typ, "us-east-1", "vol-2", `{"volumeId":"vol-2","Encrypted":false}`)},
			[]want{{compliance.Fail, "vol-2", "not encrypted"}}},
		{"unrecorded is an error", []*inventory.Item{item(typ, "us-east-1", "vol-3", `{"volumeId":"vol-3"}`)},
			[]want{{compliance.Error, "vol-3", "not recorded"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "us-east-1", "ec2:DescribeVolumes", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeVolumes"}}},
		{"no volumes", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no EBS volumes"}}},
	})
}
