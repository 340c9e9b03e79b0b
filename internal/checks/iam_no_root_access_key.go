package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_no_root_access_key",
		Title: "The root user has no active access keys",
		Description: "Access keys of the root user give unrestricted programmatic access to the account and cannot be limited by policies. " +
			"Read from the credential report's <root_account> row, else from the IAM account summary (AccountAccessKeysPresent).",
		Service:      "iam",
		Severity:     compliance.Critical,
		ResourceType: iamAccountType,
		Remediation:  "Sign in as root, open Security credentials, deactivate and delete the root access keys; use IAM roles instead.",
		Eval: func(a *compliance.Account) []compliance.Result {
			r := iamRootOf(a)
			if r.row != nil {
				var active []string
				for _, n := range []string{"1", "2"} {
					if inventory.Str(r.row, "access_key_"+n+"_active") == "true" {
						active = append(active, "access key "+n)
					}
				}
				if len(active) > 0 {
					return []compliance.Result{r.result(a, compliance.Fail, "the root user has %d active access key(s) (%s) per the credential report", len(active), strings.Join(active, " and "))}
				}
				return []compliance.Result{r.result(a, compliance.Pass, "the root user has no active access keys per the credential report")}
			}
			if r.summary != nil {
				if n, ok := inventory.Int(r.summary.Conf(), "AccountAccessKeysPresent"); ok {
					if n > 0 {
						return []compliance.Result{r.result(a, compliance.Fail, "the root user has access keys (account summary AccountAccessKeysPresent = %d)", n)}
					}
					return []compliance.Result{r.result(a, compliance.Pass, "the root user has no access keys (account summary AccountAccessKeysPresent = 0)")}
				}
			}
			return []compliance.Result{r.unknown(a, "whether the root user has access keys")}
		},
	})
}
