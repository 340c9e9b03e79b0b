package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(reconTorIPCaller) }

var reconTorIPCaller = &detect.Detection{
	ID:        "recon.iam_tor_ip_caller",
	Type:      "Recon:IAMUser/TorIPCaller",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "Reconnaissance API invoked from a Tor exit node",
	Description: "A read API (its name starts with List, Describe or Get: reconnaissance; other APIs are " +
		"UnauthorizedAccess:IAMUser/TorIPCaller) was called, successfully or not, from an address on the Tor exit-node list " +
		"given with --tor-list. Findings aggregate per access key and remote address.",
	FalsePositives: "Staff or researchers using Tor Browser for privacy; exit lists that are days old (exit nodes change). " +
		"Refresh the list from the Tor Project's bulk exit list before a run.",
	Key:       "access key and remote IP address",
	Technique: "T1580",
	Source:    detect.SourceCloudTrail,
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		h := torHit(e, c, true)
		if h != nil {
			h.Description = fmt.Sprintf("API %s was invoked by %s from %s, a Tor exit node.", e.EventName, caller(e), h.Actor)
		}
		return h
	},
}
