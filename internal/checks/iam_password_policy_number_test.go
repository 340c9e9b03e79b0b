package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPasswordPolicyNumber(t *testing.T) {
	const typ = collect.TypePasswordPolicy
	runCases(t, "iam_password_policy_number", []checkCase{
		{"required passes", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"requireNumbers":true}`)},
			[]want{{compliance.Pass, testAccount, "requires a number"}}},
		{"not required fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"requireNumbers":false}`)},
			[]want{{compliance.Fail, testAccount, "does not require a number"}}},
		{"API spelling", []*inventory.Item{item(typ, "global", testAccount, `{"Exists":true,"RequireNumbers":true}`)},
			[]want{{compliance.Pass, testAccount, "number"}}},
		{"no policy fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":false}`)},
			[]want{{compliance.Fail, "", "no password policy"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:GetAccountPasswordPolicy", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountPasswordPolicy"}}},
	})
}
