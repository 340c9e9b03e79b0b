package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(maliciousIPCallerCustom) }

var maliciousIPCallerCustom = &detect.Detection{
	ID:        "unauthorized_access.iam_malicious_ip_caller_custom",
	Type:      "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "API invoked from an IP address on a custom threat list",
	Description: "An API that is not a read (its name does not start with List, Describe or Get; those are " +
		"Recon:IAMUser/MaliciousIPCaller.Custom) was called, successfully or not, from an address on one of the " +
		"threat lists given with --threat-list. Findings aggregate per access key and remote address.",
	FalsePositives: "Stale list entries (addresses reassigned since they were listed) and shared egress addresses " +
		"(cloud NAT, VPN providers) on broad lists. Keep lists current; put known egress addresses on a trusted list.",
	Key:       "access key and remote IP address",
	Technique: "T1078",
	Source:    detect.SourceCloudTrail,
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		h := threatHit(e, c, false)
		if h != nil {
			h.Description = fmt.Sprintf("API %s was invoked by %s from %s, on threat list %s.", e.EventName, caller(e), h.Actor, h.ThreatList)
		}
		return h
	},
}
