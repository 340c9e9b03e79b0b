package checks

import (
	"fmt"
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
			return iamEachUserActiveKeys(a,
				func(k iamKey, now time.Time) (string, bool) {
					if k.created.IsZero() {
						return "", false
					}
					if d := iamDays(k.created, now); d > iamRotationDays {
						return fmt.Sprintf("%s last rotated %d days ago (%s)", k.label, d, iamDate(k.created)), true
					}
					return "", true
				},
				func(_ *iamUser, keys string) string { return "creation date of " + keys + " unknown" },
				fmt.Sprintf("every active access key was rotated within %d days", iamRotationDays))
		},
	})
}
