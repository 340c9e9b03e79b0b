package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPasswordPolicyUppercase(t *testing.T) {
	const typ = collect.TypePasswordPolicy
	runCases(t, "iam_password_policy_uppercase", []checkCase{
		{"required passes", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"requireUppercaseCharacters":true}`)},
			[]want{{compliance.Pass, testAccount, "requires an uppercase"}}},
		{"not required fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"requireUppercaseCharacters":false}`)},
			[]want{{compliance.Fail, testAccount, "does not require an uppercase"}}},
		{"API spelling", []*inventory.Item{item(typ, "global", testAccount, `{"Exists":true,"RequireUppercaseCharacters":true}`)},
			[]want{{compliance.Pass, testAccount, "uppercase"}}},
		{"no policy fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":false}`)},
			[]want{{compliance.Fail, "", "no password policy"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:GetAccountPasswordPolicy", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountPasswordPolicy"}}},
	})
}
