package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_root_hardware_mfa_enabled",
		Title: "The root user's MFA is a hardware device",
		Description: "A virtual MFA device lives on a phone or computer that may be lost or compromised; CIS asks for a hardware device for the root user. " +
			"Root MFA must be enabled and no virtual MFA device (iam:ListVirtualMFADevices) may be assigned to root.",
		Service:      "iam",
		Severity:     compliance.Critical,
		ResourceType: iamAccountType,
		Remediation:  "Sign in as root, open Security credentials, remove the virtual MFA device and assign a hardware TOTP token or a FIDO security key.",
		Eval: func(a *compliance.Account) []compliance.Result {
			return iamRootWithMFA(a, "the root user has no MFA device at all", func(r iamRoot) compliance.Result {
				if r.summary == nil {
					return r.result(a, compliance.Error, "cannot tell virtual from hardware MFA: %s", iamGapReason(a, collect.TypeAccountSummary, "the virtual MFA device list (with the IAM account summary)"))
				}
				if e := compliance.ItemGap(r.summary, "ListVirtualMFADevices"); e != nil {
					return r.result(a, compliance.Error, "cannot tell virtual from hardware MFA: %s", e.Reason())
				}
				devices := inventory.Get(r.summary.Supp(), "VirtualMFADevices")
				if devices == nil {
					return r.result(a, compliance.Error, "cannot tell virtual from hardware MFA: the account summary has no virtual MFA device list")
				}
				for _, d := range inventory.List(devices) {
					serial := inventory.Str(d, "serialNumber")
					user := inventory.Str(d, "user", "arn")
					// Assigned to root: the device's user is root, or (older
					// listings without users) the device root's console creates.
					if strings.HasSuffix(user, ":root") || (user == "" && inventory.Str(d, "enableDate") != "" && strings.HasSuffix(serial, "/root-account-mfa-device")) {
						return r.result(a, compliance.Fail, "the root user's MFA is the virtual device %s", serial)
					}
				}
				return r.result(a, compliance.Pass, "the root user has MFA and no virtual MFA device is assigned to it, so it is a hardware device")
			})
		},
	})
}
