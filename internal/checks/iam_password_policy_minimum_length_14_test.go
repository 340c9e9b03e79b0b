package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPasswordPolicyMinimumLength14(t *testing.T) {
	const typ = collect.TypePasswordPolicy
	runCases(t, "iam_password_policy_minimum_length_14", []checkCase{
		{"14 passes", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"minimumPasswordLength":14}`)},
			[]want{{compliance.Pass, testAccount, "14"}}},
		{"8 fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"minimumPasswordLength":8}`)},
			[]want{{compliance.Fail, testAccount, "8, below 14"}}},
		{"no policy fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":false}`)},
			[]want{{compliance.Fail, "", "no password policy"}}},
		{"Config spelling", []*inventory.Item{item(typ, "global", testAccount, `{"Exists":true,"MinimumPasswordLength":20}`)},
			[]want{{compliance.Pass, "", "20"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:GetAccountPasswordPolicy", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountPasswordPolicy"}}},
		{"not collected is an error", nil, []want{{compliance.Error, "", "not collected"}}},
	})
}
