package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPasswordPolicyExpires90(t *testing.T) {
	const typ = collect.TypePasswordPolicy
	runCases(t, "iam_password_policy_expires_passwords_within_90_days_or_less", []checkCase{
		{"90 passes", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"expirePasswords":true,"maxPasswordAge":90}`)},
			[]want{{compliance.Pass, testAccount, "after 90 days"}}},
		{"30 passes", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"expirePasswords":true,"maxPasswordAge":30}`)},
			[]want{{compliance.Pass, testAccount, "after 30 days"}}},
		{"180 fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"expirePasswords":true,"maxPasswordAge":180}`)},
			[]want{{compliance.Fail, testAccount, "180 days, more than 90"}}},
		{"no expiry fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":true,"expirePasswords":false}`)},
			[]want{{compliance.Fail, testAccount, "never expire"}}},
		{"API spelling", []*inventory.Item{item(typ, "global", testAccount, `{"Exists":true,"ExpirePasswords":true,"MaxPasswordAge":60}`)},
			[]want{{compliance.Pass, testAccount, "60 days"}}},
		{"no policy fails", []*inventory.Item{item(typ, "global", testAccount, `{"exists":false}`)},
			[]want{{compliance.Fail, "", "no password policy"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "global", "iam:GetAccountPasswordPolicy", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountPasswordPolicy"}}},
	})
}
