package checks

import (
	"fmt"
	"strings"
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
			return iamEachUser(a, func(u *iamUser, now time.Time) compliance.Result {
				keys, why := u.accessKeys()
				if why != "" {
					return u.result(compliance.Error, "user %s: %s", u.name, why)
				}
				var stale, unknown []string
				active := 0
				for _, k := range keys {
					if !k.active {
						continue
					}
					active++
					switch {
					case !k.useKnown:
						unknown = append(unknown, k.label)
					case !k.lastUsed.IsZero() && iamDays(k.lastUsed, now) >= iamUnusedDays:
						stale = append(stale, fmt.Sprintf("%s last used %d days ago", k.label, iamDays(k.lastUsed, now)))
					case k.lastUsed.IsZero() && !k.created.IsZero() && iamDays(k.created, now) >= iamUnusedDays:
						stale = append(stale, fmt.Sprintf("%s created %d days ago and never used", k.label, iamDays(k.created, now)))
					}
				}
				switch {
				case len(stale) > 0:
					return u.result(compliance.Fail, "user %s: %s", u.name, strings.Join(stale, "; "))
				case len(unknown) > 0:
					return u.result(compliance.Error, "user %s: last use of %s unknown: %s", u.name, strings.Join(unknown, ", "), u.unknown("GetAccessKeyLastUsed", "access key use"))
				case active == 0:
					return u.result(compliance.Pass, "user %s has no active access keys", u.name)
				}
				return u.result(compliance.Pass, "user %s: every active access key was used or created within %d days", u.name, iamUnusedDays)
			})
		},
	})
}
