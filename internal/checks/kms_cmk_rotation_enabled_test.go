package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestKMSCMKRotationEnabled(t *testing.T) {
	const typ = collect.TypeKMSKey
	cmk := func(id, supp string) *inventory.Item {
		return withSupp(item(typ, "us-east-1", id, `{"keyId":"`+id+`","keyManager":"CUSTOMER","keyState":"Enabled","keySpec":"SYMMETRIC_DEFAULT","origin":"AWS_KMS"}`), supp)
	}
	awsManaged := withSupp(item(typ, "us-east-1", "aws1", `{"keyId":"aws1","keyManager":"AWS","keyState":"Enabled","keySpec":"SYMMETRIC_DEFAULT"}`), `{}`)
	asymmetric := withSupp(item(typ, "us-east-1", "rsa", `{"keyId":"rsa","keyManager":"CUSTOMER","keyState":"Enabled","keySpec":"RSA_2048"}`), `{}`)
	runCases(t, "kms_cmk_rotation_enabled", []checkCase{
		{"rotating key passes, others skipped", []*inventory.Item{awsManaged, asymmetric, cmk("k1", `{"KeyRotationStatus":true}`)},
			[]want{{compliance.Pass, "k1", "rotates automatically"}}},
		{"Config spelling", []*inventory.Item{withSupp(item(typ, "us-east-1", "k2",
			`{"KeyId":"k2","KeyManager":"CUSTOMER","KeyState":"Enabled","CustomerMasterKeySpec":"SYMMETRIC_DEFAULT","Origin":"AWS_KMS","awsaccountId":"111122223333"}`), `{"KeyRotationStatus":"false"}`)},
			[]want{{compliance.Fail, "k2", "does not rotate"}}},
		{"not rotating fails", []*inventory.Item{cmk("k1", `{"KeyRotationStatus":false}`)}, []want{{compliance.Fail, "k1", "does not rotate"}}},
		{"rotation status denied is an error", []*inventory.Item{withErrors(cmk("k1", `{}`), "kms:GetKeyRotationStatus", "AccessDeniedException")},
			[]want{{compliance.Error, "k1", "missing permission kms:GetKeyRotationStatus"}}},
		{"listing denied is an error", []*inventory.Item{gap(typ, "us-east-1", "kms:ListKeys", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission kms:ListKeys"}}},
		{"only AWS-managed keys", []*inventory.Item{awsManaged}, []want{{compliance.NotApplicable, "", "no enabled customer-managed symmetric"}}},
	})
}
