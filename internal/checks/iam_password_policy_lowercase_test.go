package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPasswordPolicyLowercase(t *testing.T) {
	const typ = collect.TypePasswordPolicy
	runCases(t, "iam_password_policy_lowercase", []checkCase{
		{"required passes", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"requireLowercaseCharacters":true}`)},
			[]want{{compliance.Pass, testAccount, "requires a lowercase"}}},
		{"unset fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true}`)},
			[]want{{compliance.Fail, testAccount, "does not require a lowercase"}}},
		{"API spelling", []*inventory.Item{item(typ, "global", testAccount, `{"Exists":true,"RequireLowercaseCharacters":"true"}`)},
			[]want{{compliance.Pass, testAccount, "lowercase"}}},
		{"no policy fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":false}`)},
			[]want{{compliance.Fail, "", "no password policy"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:GetAccountPasswordPolicy", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountPasswordPolicy"}}},
	})
}
