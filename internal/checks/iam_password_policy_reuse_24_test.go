package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPasswordPolicyReuse24(t *testing.T) {
	const typ = collect.TypePasswordPolicy
	runCases(t, "iam_password_policy_reuse_24", []checkCase{
		{"24 passes", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"passwordReusePrevention":24}`)},
			[]want{{compliance.Pass, testAccount, "remembers 24"}}},
		{"5 fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"passwordReusePrevention":5}`)},
			[]want{{compliance.Fail, testAccount, "5 passwords, below 24"}}},
		{"unset fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"minimumPasswordLength":14}`)},
			[]want{{compliance.Fail, testAccount, "does not prevent"}}},
		{"API spelling", []*inventory.Item{item(typ, "global", testAccount, `{"Exists":true,"PasswordReusePrevention":24}`)},
			[]want{{compliance.Pass, testAccount, "24"}}},
		{"no policy fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":false}`)},
			[]want{{compliance.Fail, "", "no password policy"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:GetAccountPasswordPolicy", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountPasswordPolicy"}}},
	})
}
