package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(torIPCaller) }

var torIPCaller = &detect.Detection{
	ID:        "unauthorized_access.iam_tor_ip_caller",
	Type:      "UnauthorizedAccess:IAMUser/TorIPCaller",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "API invoked from a Tor exit node",
	Description: "An API that is not a read (its name does not start with List, Describe or Get; those are " +
		"Recon:IAMUser/TorIPCaller) was called, successfully or not, from an address on the Tor exit-node list " +
		"given with --tor-list. Findings aggregate per access key and remote address.",
	FalsePositives: "Staff or researchers using Tor Browser for privacy; exit lists that are days old (exit nodes change). " +
		"Refresh the list from the Tor Project's bulk exit list before a run.",
	Key:       "access key and remote IP address",
	Technique: "T1090.003",
	Source:    detect.SourceCloudTrail,
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		h := torHit(e, c, false)
		if h != nil {
			h.Description = fmt.Sprintf("API %s was invoked by %s from %s, a Tor exit node.", e.EventName, caller(e), h.Actor)
		}
		return h
	},
}
