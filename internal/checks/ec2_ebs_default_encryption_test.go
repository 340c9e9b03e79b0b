package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestEC2EBSDefaultEncryption(t *testing.T) {
	const typ = collect.TypeEBSDefaultEncryption
	on := item(typ, "eu-west-1", testAccount, `{"ebsEncryptionByDefault":true}`)
	off := item(typ, "us-east-1", testAccount, `{"ebsEncryptionByDefault":false}`)
	runCases(t, "ec2_ebs_default_encryption", []checkCase{
		{"per region", ec2Items(regions("eu-west-1", "us-east-1"), []*inventory.Item{on, off}),
			[]want{{compliance.Pass, testAccount, "enabled in eu-west-1"}, {compliance.Fail, testAccount, "disabled in us-east-1"}}},
		{"denied region is an error", ec2Items(regions("eu-west-1", "us-east-1"), []*inventory.Item{on, gap(typ, "us-east-1", "ec2:GetEbsEncryptionByDefault", "UnauthorizedOperation")}),
			[]want{{compliance.Pass, "", "eu-west-1"}, {compliance.Error, "", "missing permission ec2:GetEbsEncryptionByDefault"}}},
		{"region without the setting is an error", ec2Items(regions("eu-west-1", "us-east-1"), []*inventory.Item{on}),
			[]want{{compliance.Pass, "", "eu-west-1"}, {compliance.Error, "", "not collected"}}},
		{"Config spelling", ec2Items(regions("eu-west-1"), []*inventory.Item{item(typ, "eu-west-1", testAccount, `{"EbsEncryptionByDefault":true}`)}),
			[]want{{compliance.Pass, "", "enabled"}}},
		{"no regions", nil, []want{{compliance.NotApplicable, "", "no regions"}}},
	})
}
