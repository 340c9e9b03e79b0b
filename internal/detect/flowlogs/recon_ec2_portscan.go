package flowlogs

import (
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(portscan) }

var portscan = &detect.Detection{
	ID:        "recon.ec2_portscan",
	Type:      "Recon:EC2/Portscan",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "Instance is performing outbound port scans",
	Description: "An instance opens TCP or UDP connections to at least 25 distinct ports of one public " +
		"address within 10 minutes (first connection to each port; any sliding span), accepted or rejected: " +
		"an outbound port scan, typical of a compromised instance doing reconnaissance.",
	FalsePositives: "Legitimate scanners run from the instance (a vulnerability-assessment host): suppress " +
		"by instance. Scans of private addresses are not evaluated (v2 records between two private " +
		"addresses do not say which side is the instance).",
	Key:       "instance (or interface) and remote address",
	Technique: "T1046",
	Source:    detect.SourceFlowLogs,
	NewStateful: func() detect.Stateful {
		return &outboundScan{min: 25, window: 10 * 60, w: newWindows()}
	},
}
