package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(passwordResetForOtherUser) }

var passwordResetForOtherUser = &detect.Detection{
	ID:        "privilege_escalation.iam_password_reset_for_other_user",
	Type:      "PrivilegeEscalation:IAMUser/OtherUserPasswordReset",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "Another user's console password was changed",
	Description: "A successful UpdateLoginProfile whose userName is not the caller: the caller set another " +
		"identity's console password and can sign in with that identity's permissions (users change their own " +
		"password with ChangePassword, or UpdateLoginProfile on themselves, which is not reported).",
	FalsePositives: "Help-desk password resets. Suppress by principal of the help-desk role.",
	Key:            "target user and caller",
	Technique:      "T1098",
	Source:         detect.SourceCloudTrail,
	Events:         []string{"UpdateLoginProfile"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "iam.amazonaws.com" || !succeeded(e) {
			return nil
		}
		user := otherUser(e)
		if user == "" {
			return nil
		}
		return &detect.Hit{Resource: "user/" + user, Actor: detect.PrincipalARN(e),
			Description: fmt.Sprintf("The console password of IAM user %s was changed by %s%s.", user, caller(e), from(e))}
	},
}
