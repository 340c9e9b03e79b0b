package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(accessKeyForOtherUser) }

var accessKeyForOtherUser = &detect.Detection{
	ID:        "persistence.iam_access_key_for_other_user",
	Type:      "Persistence:IAMUser/AccessKeyForOtherUser",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "An access key was created for another user",
	Description: "A successful CreateAccessKey whose userName is not the caller: whoever made the call now holds " +
		"long-term credentials of another identity, a common way to persist after a compromise. Users creating their " +
		"own keys are not reported.",
	FalsePositives: "Administrators provisioning service users, and automation that rotates keys for other users. " +
		"Suppress by principal of the provisioning role.",
	Key:       "target user and caller",
	Technique: "T1098.001",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"CreateAccessKey"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "iam.amazonaws.com" || !succeeded(e) {
			return nil
		}
		user := otherUser(e)
		if user == "" {
			return nil
		}
		return &detect.Hit{Resource: "user/" + user, Actor: detect.PrincipalARN(e),
			Description: fmt.Sprintf("An access key was created for IAM user %s by %s%s.", user, caller(e), from(e))}
	},
}
