package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPasswordPolicySymbol(t *testing.T) {
	const typ = collect.TypePasswordPolicy
	runCases(t, "iam_password_policy_symbol", []checkCase{
		{"required passes", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"requireSymbols":true}`)},
			[]want{{compliance.Pass, testAccount, "requires a symbol"}}},
		{"not required fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"requireSymbols":false}`)},
			[]want{{compliance.Fail, testAccount, "does not require a symbol"}}},
		{"API spelling", []*inventory.Item{item(typ, "global", testAccount, `{"Exists":true,"RequireSymbols":true}`)},
			[]want{{compliance.Pass, testAccount, "symbol"}}},
		{"no policy fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":false}`)},
			[]want{{compliance.Fail, "", "no password policy"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:GetAccountPasswordPolicy", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountPasswordPolicy"}}},
	})
}
