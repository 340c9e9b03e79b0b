package checks

import (
	"time"

	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_avoid_root_usage",
		Title: "The root user has not been used in the last 30 days",
		Description: "The root user should be kept for the few tasks only it can do; recent use of its password or access keys suggests it serves daily work. " +
			"Read from the credential report's <root_account> row (password_last_used, access_key_N_last_used_date), measured from the report's capture time.",
		Service:      "iam",
		Severity:     compliance.High,
		ResourceType: iamAccountType,
		Remediation:  "Create IAM users or Identity Center users with the permissions needed for daily work, lock the root credentials away and alarm on root use.",
		Eval: func(a *compliance.Account) []compliance.Result {
			r := iamRootOf(a)
			if r.row == nil {
				return []compliance.Result{r.unknown(a, "when the root user was last used")}
			}
			now := r.report.CaptureTime
			if now.IsZero() {
				return []compliance.Result{r.result(a, compliance.Error, "the credential report has no capture time to measure ages against")}
			}
			var last time.Time
			var how string
			for col, what := range map[string]string{
				"password_last_used":          "password",
				"access_key_1_last_used_date": "access key 1",
				"access_key_2_last_used_date": "access key 2",
			} {
				if t, ok := iamReportTime(r.row, col); ok && (t.After(last) || (t.Equal(last) && what < how)) {
					last, how = t, what
				}
			}
			switch {
			case last.IsZero():
				return []compliance.Result{r.result(a, compliance.Pass, "the credential report records no use of the root user's password or access keys")}
			case iamDays(last, now) < iamRootUseDays:
				return []compliance.Result{r.result(a, compliance.Fail, "the root user's %s was used %d days ago (%s), within the last %d days", how, iamDays(last, now), iamDate(last), iamRootUseDays)}
			}
			return []compliance.Result{r.result(a, compliance.Pass, "the root user was last used %d days ago (%s, %s)", iamDays(last, now), iamDate(last), how)}
		},
	})
}
