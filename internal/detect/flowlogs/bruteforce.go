package flowlogs

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Brute-force thresholds: at least bruteMin connection attempts (accepted
// or rejected) from one source to one service port of one instance within
// bruteWindow.
const (
	bruteMin    = 20
	bruteWindow = 10 * 60
)

// bruteForce is the state of a brute-force detection against port.
type bruteForce struct {
	port int64
	w    windows
}

func newBruteForce(port int64) func() detect.Stateful {
	return func() detect.Stateful { return &bruteForce{port: port, w: newWindows()} }
}

// ObserveFlow counts the attempts: records opening a TCP connection to
// the port, inbound from a public address (the instance is the TARGET) or
// outbound to one (the ACTOR).
func (b *bruteForce) ObserveFlow(r *vigil.FlowRecord, p vigil.Partition, _ *detect.Context) []detect.Hit {
	c, ok := connOf(r)
	if !ok || c.proto != 6 || !c.opened || !Public(c.remote) {
		return nil
	}
	if (c.inbound && c.lport != b.port) || (!c.inbound && c.rport != b.port) {
		return nil
	}
	dir := "OUTBOUND"
	if c.inbound {
		dir = "INBOUND"
	}
	remote := c.remote.String()
	t := b.w.get(c.instance+"|"+remote+"|"+dir, c.instance, remote+" "+dir)
	if t == nil {
		return nil
	}
	b.w.add(t, c.start, "", r, p)
	t.count(c.start, r)
	return nil
}

func (b *bruteForce) Flush(*detect.Context) []detect.Hit {
	var out []detect.Hit
	for _, t := range b.w.Keys {
		n := t.countIn(bruteWindow)
		if n < bruteMin {
			continue
		}
		h := t.Samples.hit(t.Resource, t.Actor)
		c, _ := connOf(h.Flow)
		remote := c.remote
		if !c.inbound {
			h.Severity = vigil.SeverityHigh
			h.Description = fmt.Sprintf("%s is performing %s brute force attacks against %s: %d connection attempts to port %d within %d minutes.",
				t.Resource, portName(b.port), remote, n, b.port, bruteWindow/60)
		} else {
			h.Description = fmt.Sprintf("%s is performing %s brute force attacks against %s: %d connection attempts to port %d within %d minutes.",
				remote, portName(b.port), t.Resource, n, b.port, bruteWindow/60)
		}
		h.Info = map[string]string{"attempts": strconv.Itoa(n), "windowMinutes": strconv.Itoa(bruteWindow / 60)}
		out = append(out, h)
	}
	b.w.prune()
	return out
}

func (b *bruteForce) MarshalState() (json.RawMessage, error) { return b.w.marshal() }

func (b *bruteForce) UnmarshalState(m json.RawMessage) error { return b.w.unmarshal(m) }

func portName(p int64) string {
	switch p {
	case 22:
		return "SSH"
	case 3389:
		return "RDP"
	}
	return "port " + strconv.FormatInt(p, 10)
}

var _ detect.FlowObserver = (*bruteForce)(nil)
