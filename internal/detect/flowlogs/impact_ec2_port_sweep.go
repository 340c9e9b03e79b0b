package flowlogs

import (
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(portSweep) }

var portSweep = &detect.Detection{
	ID:        "impact.ec2_port_sweep",
	Type:      "Impact:EC2/PortSweep",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityHigh,
	Title:     "Instance is probing a port on a large number of IP addresses",
	Description: "An instance opens connections to one port (per protocol) on at least 50 distinct public " +
		"addresses within 10 minutes (first connection to each address; any sliding span): a port sweep, " +
		"an instance looking for more hosts to attack.",
	FalsePositives: "Crawlers, mail relays and monitoring that legitimately reach many hosts on one port: " +
		"suppress by instance. Clients of a service with many addresses behind one port (a CDN) stay far " +
		"below 50 distinct addresses in 10 minutes in practice; raise concerns with a suppression rule.",
	Key:       "instance (or interface) and remote port",
	Technique: "T1046",
	Source:    detect.SourceFlowLogs,
	NewStateful: func() detect.Stateful {
		return &outboundScan{sweep: true, min: 50, window: 10 * 60, w: newWindows()}
	},
}
