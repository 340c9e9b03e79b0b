package checks

import (
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_user_mfa_enabled",
		Title: "IAM users have MFA enabled",
		Description: "Every IAM user has an MFA device, whether or not it signs in to the console (AWS Config's iam-user-mfa-enabled). " +
			"MFA devices come from the user's MFA list, else from the credential report.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeIAMUser,
		Remediation:  "Assign an MFA device to the user (IAM console, Security credentials), or replace the user by a role.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamEachUser(a, func(u *iamUser, _ time.Time) compliance.Result {
				mfa, why := u.mfaActive()
				switch {
				case why != "":
					return u.result(compliance.Error, "user %s: %s", u.name, why)
				case !mfa:
					return u.result(compliance.Fail, "user %s has no MFA device", u.name)
				}
				return u.result(compliance.Pass, "user %s has MFA", u.name)
			})
		},
	})
}
