package cloudtrail

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(rootMFADeactivated) }

var rootMFADeactivated = &detect.Detection{
	ID:        "stealth.iam_root_mfa_deactivated",
	Type:      "Stealth:IAMUser/RootMFADeactivated",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityHigh,
	Title:     "MFA was removed from the root user",
	Description: "A successful DeactivateMFADevice or DeleteVirtualMFADevice on the root user's device: the serial " +
		"number is the root's (…:mfa/root-account-mfa-device), or the root user made the call without naming an " +
		"IAM user. Root without MFA is one password away from full control of the account.",
	FalsePositives: "Replacing a lost or broken root MFA device; a new device should be enabled (EnableMFADevice) " +
		"minutes later.",
	Key:       "the account's root user",
	Technique: "T1556.006",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"DeactivateMFADevice", "DeleteVirtualMFADevice"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "iam.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		serial, user := text(get(p, "serialNumber")), text(get(p, "userName"))
		rootDevice := strings.HasSuffix(serial, ":mfa/root-account-mfa-device")
		byRoot := e.UserIdentity.Type == "Root" && (user == "" || strings.EqualFold(user, "root"))
		if !rootDevice && !byRoot {
			return nil
		}
		return &detect.Hit{Resource: "root-mfa",
			Description: fmt.Sprintf("MFA device %s of the root user of account %s was removed with %s by %s%s.", serial, owner(e), e.EventName, caller(e), from(e))}
	},
}
