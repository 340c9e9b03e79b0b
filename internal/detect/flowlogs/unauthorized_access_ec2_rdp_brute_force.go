package flowlogs

import (
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(rdpBruteForce) }

var rdpBruteForce = &detect.Detection{
	ID:        "unauthorized_access.ec2_rdp_brute_force",
	Type:      "UnauthorizedAccess:EC2/RDPBruteForce",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "RDP brute force attack",
	Description: "An instance is involved in RDP brute force: one public address opens at least 20 TCP " +
		"connections (accepted or rejected) to port 3389 of one instance within 10 minutes (any sliding span). " +
		"Inbound, the instance is the TARGET (Low); outbound, to a public address, it is the ACTOR (High).",
	FalsePositives: "Remote-desktop gateways or monitoring that reconnect often from one public address: add " +
		"it to a trusted list. Traffic between private addresses is not evaluated.",
	Key:         "instance (or interface), remote address and direction",
	Technique:   "T1110",
	Source:      detect.SourceFlowLogs,
	NewStateful: newBruteForce(3389),
}
