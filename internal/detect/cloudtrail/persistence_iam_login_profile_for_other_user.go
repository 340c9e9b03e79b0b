package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(loginProfileForOtherUser) }

var loginProfileForOtherUser = &detect.Detection{
	ID:        "persistence.iam_login_profile_for_other_user",
	Type:      "Persistence:IAMUser/LoginProfileForOtherUser",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "A console password was created for another user",
	Description: "A successful CreateLoginProfile whose userName is not the caller: the caller chose a console " +
		"password for another identity and can sign in as it.",
	FalsePositives: "Administrators onboarding users with an initial password (passwordResetRequired true makes it " +
		"less useful to an attacker; the value is in the finding's sample). Suppress by principal of the onboarding role.",
	Key:       "target user and caller",
	Technique: "T1098",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"CreateLoginProfile"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "iam.amazonaws.com" || !succeeded(e) {
			return nil
		}
		user := otherUser(e)
		if user == "" {
			return nil
		}
		reset, _ := flag(get(params(e), "passwordResetRequired"))
		return &detect.Hit{Resource: "user/" + user, Actor: detect.PrincipalARN(e), Info: map[string]string{"passwordResetRequired": fmt.Sprint(reset)},
			Description: fmt.Sprintf("A console password was created for IAM user %s by %s%s.", user, caller(e), from(e))}
	},
}
