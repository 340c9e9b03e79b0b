package flowlogs

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// outboundScan is the state of the outbound scan detections: an instance
// opening connections to many distinct items (ports of one host, or hosts
// on one port) of public addresses within a window.
type outboundScan struct {
	sweep  bool // items are remote addresses on one port (else ports of one address)
	min    int
	window int64
	w      windows
}

func (s *outboundScan) ObserveFlow(r *vigil.FlowRecord, p vigil.Partition, _ *detect.Context) []detect.Hit {
	c, ok := connOf(r)
	if !ok || c.inbound || !c.opened || !Public(c.remote) || (c.proto != 6 && c.proto != 17) {
		return nil
	}
	remote, port := c.remote.String(), strconv.FormatInt(c.rport, 10)
	key, actor, item := c.instance+"|"+remote, remote, port
	if s.sweep {
		key, actor, item = c.instance+"|"+strconv.FormatInt(c.proto, 10)+"/"+port, "port "+port, remote
	}
	t := s.w.get(key, c.instance, actor)
	if t == nil {
		return nil
	}
	s.w.add(t, c.start, item, r, p)
	return nil
}

func (s *outboundScan) Flush(*detect.Context) []detect.Hit {
	var out []detect.Hit
	for _, t := range s.w.Keys {
		n := t.distinctIn(s.window)
		if n < s.min {
			continue
		}
		h := t.Samples.hit(t.Resource, t.Actor)
		if s.sweep {
			h.Description = fmt.Sprintf("%s is performing a port sweep: it connected to %s on %d public addresses within %d minutes.", t.Resource, t.Actor, n, s.window/60)
			h.Info = map[string]string{"remoteAddresses": strconv.Itoa(n)}
		} else {
			h.Description = fmt.Sprintf("%s is performing outbound port scans against %s: %d distinct ports within %d minutes.", t.Resource, t.Actor, n, s.window/60)
			h.Info = map[string]string{"remotePorts": strconv.Itoa(n)}
		}
		out = append(out, h)
	}
	s.w.prune()
	return out
}

func (s *outboundScan) MarshalState() (json.RawMessage, error) { return s.w.marshal() }

func (s *outboundScan) UnmarshalState(m json.RawMessage) error { return s.w.unmarshal(m) }
