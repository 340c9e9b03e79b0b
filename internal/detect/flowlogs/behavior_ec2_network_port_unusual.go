package flowlogs

import (
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(networkPortUnusual) }

var networkPortUnusual = &detect.Detection{
	ID:        "behavior.ec2_network_port_unusual",
	Type:      "Behavior:EC2/NetworkPortUnusual",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "Instance is communicating with a remote host on an unusual server port",
	Description: "An instance opens a TCP or UDP connection to a public address on a remote server port " +
		"(protocol and port) it has not used before, at least 24 hours after its first flow-log record (the " +
		"learning period, per instance, or interface when the record has no instance-id), and that fewer than two other instances of the " +
		"account used before it (a peer group: NTP or a SaaS port new to one instance but common in the " +
		"account is not unusual). The port's first use is the earliest record, whatever order records come in; the history is kept while the instance " +
		"is seen (forgotten after 30 days of silence, at most 1,024 ports per instance). Catches reverse " +
		"shells and C2 on odd ports (4444), DNS to a public resolver, and similar.",
	FalsePositives: "New software or a new integration on the instance after its first day; instances " +
		"whose traffic varies by week (monthly jobs). Archive the finding or suppress the port. Connections " +
		"to private addresses are not evaluated.",
	Key:         "instance (or interface) and remote protocol/port",
	Technique:   "T1571",
	Source:      detect.SourceFlowLogs,
	NewStateful: newPortHistory(0),
}
