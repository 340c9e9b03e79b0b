package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(rootCredentialUsage) }

var rootCredentialUsage = &detect.Detection{
	ID:        "policy.iam_root_credential_usage",
	Type:      "Policy:IAMUser/RootCredentialUsage",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "API invoked using root credentials",
	Description: "An API call, console sign-in included, was made with the account's root user credentials " +
		"(userIdentity.type Root). Denied calls count too: an attempt is as telling as a success. Calls AWS " +
		"makes on the account's behalf (invokedBy set, AwsServiceEvent) are not the root user acting and are excluded. " +
		"Findings aggregate per account, region and access key.",
	FalsePositives: "Tasks only root can do (closing the account, changing the support plan, some billing settings) " +
		"are legitimate; confirm with the account owner and suppress by account if root use is a documented procedure.",
	Key:       "access key (the root ARN for console sign-ins, which have none)",
	Technique: "T1078.004",
	Source:    detect.SourceCloudTrail,
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.UserIdentity.Type != "Root" {
			return nil
		}
		return &detect.Hit{Description: fmt.Sprintf("API %s was invoked using root credentials%s in account %s.", e.EventName, from(e), owner(e))}
	},
}
