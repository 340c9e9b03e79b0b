package checks

import (
	"fmt"
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_user_accesskey_unused",
		Title: "IAM users have no active access keys unused for 45 days or more",
		Description: "An active key nobody uses is a standing credential waiting to leak. A key counts as unused when its last use, " +
			"or its creation when it was never used, is 45 days or more before the snapshot.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeIAMUser,
		Remediation:  "aws iam update-access-key --user-name <user> --access-key-id <key> --status Inactive, then delete it once nothing breaks.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamEachUserActiveKeys(a,
				func(k iamKey, now time.Time) (string, bool) {
					switch {
					case !k.useKnown:
						return "", false
					case !k.lastUsed.IsZero() && iamDays(k.lastUsed, now) >= iamUnusedDays:
						return fmt.Sprintf("%s last used %d days ago", k.label, iamDays(k.lastUsed, now)), true
					case k.lastUsed.IsZero() && !k.created.IsZero() && iamDays(k.created, now) >= iamUnusedDays:
						return fmt.Sprintf("%s created %d days ago and never used", k.label, iamDays(k.created, now)), true
					}
					return "", true
				},
				func(u *iamUser, keys string) string {
					return "last use of " + keys + " unknown: " + u.unknown("GetAccessKeyLastUsed", "access key use")
				},
				fmt.Sprintf("every active access key was used or created within %d days", iamUnusedDays))
		},
	})
}
