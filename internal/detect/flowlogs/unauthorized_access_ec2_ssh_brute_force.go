package flowlogs

import (
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(sshBruteForce) }

var sshBruteForce = &detect.Detection{
	ID:        "unauthorized_access.ec2_ssh_brute_force",
	Type:      "UnauthorizedAccess:EC2/SSHBruteForce",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "SSH brute force attack",
	Description: "An instance is involved in SSH brute force: one public address opens at least 20 TCP " +
		"connections (accepted or rejected) to port 22 of one instance within 10 minutes (any sliding span, " +
		"counting records that open a connection: TCP flags when logged, else the lower port is the server's). " +
		"Inbound, the instance is the TARGET (Low); outbound, to a public address, it is the ACTOR and the " +
		"finding is High, as in GuardDuty. Port 22 only.",
	FalsePositives: "Automation opening many short SSH sessions from one public address (configuration " +
		"management, CI deploys through a bastion): add its address to a trusted list. Traffic between " +
		"private addresses is not evaluated.",
	Key:         "instance (or interface), remote address and direction",
	Technique:   "T1110",
	Source:      detect.SourceFlowLogs,
	NewStateful: newBruteForce(22),
}
