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
		ID:    "iam_rotate_access_key_90_days",
		Title: "IAM users' active access keys were rotated within 90 days",
		Description: "Rotating access keys bounds how long a leaked key stays useful. An active key created (or, per the credential report, " +
			"last rotated) more than 90 days before the snapshot fails.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeIAMUser,
		Remediation:  "aws iam create-access-key --user-name <user>, move the workload to the new key, then deactivate and delete the old one; better, use roles.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamEachUser(a, func(u *iamUser, now time.Time) compliance.Result {
				keys, why := u.accessKeys()
				if why != "" {
					return u.result(compliance.Error, "user %s: %s", u.name, why)
				}
				var old, undated []string
				active := 0
				for _, k := range keys {
					switch {
					case !k.active:
					case k.created.IsZero():
						active++
						undated = append(undated, k.label)
					default:
						active++
						if d := iamDays(k.created, now); d > iamRotationDays {
							old = append(old, fmt.Sprintf("%s last rotated %d days ago (%s)", k.label, d, iamDate(k.created)))
						}
					}
				}
				switch {
				case len(old) > 0:
					return u.result(compliance.Fail, "user %s: %s", u.name, strings.Join(old, "; "))
				case len(undated) > 0:
					return u.result(compliance.Error, "user %s: creation date of %s unknown", u.name, strings.Join(undated, ", "))
				case active == 0:
					return u.result(compliance.Pass, "user %s has no active access keys", u.name)
				}
				return u.result(compliance.Pass, "user %s: every active access key was rotated within %d days", u.name, iamRotationDays)
			})
		},
	})
}
