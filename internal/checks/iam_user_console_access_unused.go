package checks

import (
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_user_console_access_unused",
		Title: "IAM users have no console password unused for 45 days or more",
		Description: "A console password nobody uses is a standing credential waiting to be guessed or phished. A password counts as unused when its " +
			"last use, or its creation when it was never used, is 45 days or more before the snapshot; last use comes from the credential report.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeIAMUser,
		Remediation:  "aws iam delete-login-profile --user-name <user> (the user keeps its other credentials)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamEachUser(a, func(u *iamUser, now time.Time) compliance.Result {
				has, why := u.consolePassword()
				if why != "" {
					return u.result(compliance.Error, "user %s: %s", u.name, why)
				}
				if !has {
					return u.result(compliance.Pass, "user %s has no console password", u.name)
				}
				last, used, why := u.passwordLastUsed()
				switch {
				case why != "":
					return u.result(compliance.Error, "user %s: %s", u.name, why)
				case used && iamDays(last, now) >= iamUnusedDays:
					return u.result(compliance.Fail, "user %s last signed in to the console %d days ago (%s)", u.name, iamDays(last, now), iamDate(last))
				case used:
					return u.result(compliance.Pass, "user %s signed in to the console %d days ago", u.name, iamDays(last, now))
				}
				set := u.passwordSet()
				switch {
				case set.IsZero():
					return u.result(compliance.Error, "user %s never signed in and the date its password was set is unknown", u.name)
				case iamDays(set, now) >= iamUnusedDays:
					return u.result(compliance.Fail, "user %s got a console password %d days ago (%s) and never signed in", u.name, iamDays(set, now), iamDate(set))
				}
				return u.result(compliance.Pass, "user %s got a console password %d days ago and has not signed in yet", u.name, iamDays(set, now))
			})
		},
	})
}
