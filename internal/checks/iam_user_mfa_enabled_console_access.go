package checks

import (
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_user_mfa_enabled_console_access",
		Title: "IAM users with a console password have MFA enabled",
		Description: "A console password alone can be phished or guessed; MFA makes a stolen password useless. " +
			"Console password and MFA devices come from the user's login profile and MFA list, else from the credential report.",
		Service:      "iam",
		Severity:     compliance.High,
		ResourceType: collect.TypeIAMUser,
		Remediation:  "Have the user assign an MFA device (IAM console, Security credentials), or delete the login profile if the user needs no console: aws iam delete-login-profile --user-name <user>",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamEachUser(a, func(u *iamUser, _ time.Time) compliance.Result {
				has, why := u.consolePassword()
				if why != "" {
					return u.result(compliance.Error, "user %s: %s", u.name, why)
				}
				if !has {
					return u.result(compliance.Pass, "user %s has no console password", u.name)
				}
				mfa, why := u.mfaActive()
				switch {
				case why != "":
					return u.result(compliance.Error, "user %s: %s", u.name, why)
				case !mfa:
					return u.result(compliance.Fail, "user %s has a console password and no MFA device", u.name)
				}
				return u.result(compliance.Pass, "user %s has a console password and MFA", u.name)
			})
		},
	})
}
