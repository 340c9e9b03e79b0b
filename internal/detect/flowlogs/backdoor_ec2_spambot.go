package flowlogs

import (
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(spambot) }

var spambot = &detect.Detection{
	ID:        "backdoor.ec2_spambot",
	Type:      "Backdoor:EC2/Spambot",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "Instance is sending traffic to remote port 25",
	Description: "An instance opens TCP connections to port 25 (SMTP) of public addresses while it has no " +
		"history of doing so: the first such connection comes at least 24 hours after the instance's first " +
		"flow-log record. Mail servers that have always sent mail are part of their own history.",
	FalsePositives: "A mail relay or application newly configured to send mail directly: archive, or " +
		"suppress by instance.",
	Key:         "instance (or interface)",
	Technique:   "T1571",
	Source:      detect.SourceFlowLogs,
	NewStateful: newPortHistory(25),
}
