package flowlogs

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(maliciousIPCallerCustom) }

var maliciousIPCallerCustom = &detect.Detection{
	ID:        "unauthorized_access.ec2_malicious_ip_caller_custom",
	Type:      "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "Instance is communicating with an IP on a custom threat list",
	Description: "An instance exchanges traffic with an address on one of the customer's threat lists: an " +
		"ACCEPTed record in either direction whose public side matches a list entry (single addresses or " +
		"CIDRs). Rejected traffic is left to the scan and probe detections.",
	FalsePositives: "Stale or broad list entries (a CIDR covering a cloud provider or CDN): fix the list. " +
		"Addresses on a trusted list never reach detections.",
	Key:       "instance (or interface) and remote address",
	Technique: "T1071",
	Source:    detect.SourceFlowLogs,
	MatchFlow: func(r *vigil.FlowRecord, c *detect.Context) *detect.Hit {
		if len(c.ThreatLists) == 0 || r.Str[vigil.FlowAction] != "ACCEPT" {
			return nil
		}
		cn, ok := connOf(r)
		if !ok || !Public(cn.remote) {
			return nil
		}
		l, p, ok := c.ThreatMatch(cn.remote)
		if !ok {
			return nil
		}
		remote := cn.remote.String()
		dir := "outbound to"
		if cn.inbound {
			dir = "inbound from"
		}
		return &detect.Hit{
			Resource: strings.Clone(cn.instance), Actor: remote,
			Description: fmt.Sprintf("%s is communicating %s %s, on threat list %s (%s).", cn.instance, dir, remote, l.Name, p),
			ThreatList:  l.Name, ThreatName: p.String(),
		}
	},
}
