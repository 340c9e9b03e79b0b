package checks

import (
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_root_mfa_enabled",
		Title: "The root user has MFA enabled",
		Description: "Without MFA the root user, which can do anything in the account, is protected by a password alone. " +
			"Read from the credential report's <root_account> row (mfa_active), else from the IAM account summary (AccountMFAEnabled).",
		Service:      "iam",
		Severity:     compliance.Critical,
		ResourceType: iamAccountType,
		Remediation:  "Sign in as root, open Security credentials and assign an MFA device (preferably hardware or a passkey).",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamRootWithMFA(a, "the root user has no MFA device", func(r iamRoot) compliance.Result {
				return r.result(a, compliance.Pass, "the root user has MFA enabled")
			})
		},
	})
}
