package flowlogs

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(portProbeUnprotectedPort) }

// A prober is a public address that opens connections to at least
// probeMinPorts distinct ports of one instance within probeWindow.
const (
	probeMinPorts = 10
	probeWindow   = 10 * 60
)

var portProbeUnprotectedPort = &detect.Detection{
	ID:        "recon.ec2_port_probe_unprotected_port",
	Type:      "Recon:EC2/PortProbeUnprotectedPort",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "Unprotected port on an instance is being probed",
	Description: "A port of an instance that the security group and network ACL leave open (the probe was " +
		"ACCEPTed) is probed by a scanner: a public address that opened inbound connections to at least 10 " +
		"distinct ports of the same instance within 10 minutes (first probe of each port; any sliding span), " +
		"or any public address on a threat list. One finding per instance and open port; High for " +
		"Elasticsearch's 9200 and 9300, Low otherwise, as in GuardDuty. Scans whose probes are all REJECTed " +
		"show no unprotected port and give no finding. As GuardDuty's, the finding's action is a PORT_PROBE: " +
		"service.action.portProbeAction lists each probing address and the local port it probed " +
		"(portProbeDetails, up to 20, lowest addresses first), blocked false.",
	FalsePositives: "Vulnerability scanners the organization runs from public addresses: add their " +
		"addresses to a trusted list. Ports meant to be public (80, 443 of a web server) are reported when " +
		"a scanner hits them, as GuardDuty does; suppress them by port with a suppression rule.",
	Key:       "instance (or interface) and local port",
	Technique: "T1595.001",
	Source:    detect.SourceFlowLogs,
	NewStateful: func() detect.Stateful {
		return &portProbe{w: newWindows()}
	},
}

type portProbe struct{ w windows }

// ObserveFlow tracks, per instance and public source, the ports probed
// and which of them accepted.
func (s *portProbe) ObserveFlow(r *vigil.FlowRecord, p vigil.Partition, c *detect.Context) []detect.Hit {
	cn, ok := connOf(r)
	if !ok || !cn.inbound || !cn.opened || !Public(cn.remote) || (cn.proto != 6 && cn.proto != 17) {
		return nil
	}
	remote := cn.remote.String()
	t := s.w.get(cn.instance+"|"+remote, cn.instance, remote)
	if t == nil {
		return nil
	}
	port := strconv.FormatInt(cn.lport, 10)
	s.w.add(t, cn.start, port, r, p)
	if cn.accepted {
		if t.Open == nil {
			t.Open = map[string]samples{}
		}
		if _, ok := t.Open[port]; ok || len(t.Open) < maxItems {
			ss := t.Open[port]
			ss.addFlow(r, p, 16)
			t.Open[port] = ss
		}
	}
	return nil
}

func (s *portProbe) Flush(c *detect.Context) []detect.Hit {
	var out []detect.Hit
	for _, t := range s.w.Keys {
		if len(t.Open) == 0 {
			continue
		}
		n := t.distinctIn(probeWindow)
		listed := ""
		if a, err := netip.ParseAddr(t.Actor); err == nil {
			if l, _, ok := c.ThreatMatch(a); ok {
				listed = l.Name
			}
		}
		if n < probeMinPorts && listed == "" {
			continue
		}
		ports := make([]string, 0, len(t.Open))
		for p := range t.Open {
			ports = append(ports, p)
		}
		slices.Sort(ports)
		for _, port := range ports {
			h := t.Open[port].hit(t.Resource, "port "+port)
			h.Probe = true
			for _, r := range t.Samples { // the other probes of the scan
				if strconv.FormatInt(r.DPort, 10) != port {
					h.Refs = append(h.Refs, r.ref())
				}
			}
			if port == "9200" || port == "9300" {
				h.Severity = vigil.SeverityHigh
			}
			h.Description = fmt.Sprintf("Unprotected port %s on %s is being probed by %s (%d distinct ports probed within %d minutes).",
				port, t.Resource, t.Actor, n, probeWindow/60)
			h.Info = map[string]string{"prober": t.Actor, "portsProbed": strconv.Itoa(len(t.Items)), "openPorts": strings.Join(ports, ",")}
			if listed != "" {
				h.ThreatList, h.ThreatName = listed, t.Actor
			}
			out = append(out, h)
		}
	}
	s.w.prune()
	return out
}

func (s *portProbe) MarshalState() (json.RawMessage, error) { return s.w.marshal() }

func (s *portProbe) UnmarshalState(m json.RawMessage) error { return s.w.unmarshal(m) }
