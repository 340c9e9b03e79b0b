package flowlogs

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// learningPeriod is how long an instance is watched before a remote
// server port it has not used is unusual: its first record (any) must be
// at least this long before the port's first use.
const learningPeriod = 24 * time.Hour

// Bounds of the port history: remote ports per instance, and records kept
// per port as evidence.
const (
	maxPorts       = 1024
	portRefs       = 16
	historyHorizon = 30 * 24 * time.Hour
)

// portHistory is the state of the first-seen remote-port detections: per
// instance, its first record and, per remote server port (protocol/port)
// it opened connections to on public addresses, the earliest uses.
type portHistory struct {
	only  int64                 // the one remote port watched (Spambot), 0 for all
	Insts map[string]*instPorts `json:"instances"`
	// Peers are, per account and remote port, the earliest instances
	// that used it (at most peerCap): a port other instances of the
	// account used before is not unusual for one more.
	Peers map[string][]peerUse `json:"peers,omitempty"`
	Max   int64                `json:"max"`
}

// peerUse is an instance's first use of a port.
type peerUse struct {
	Instance string `json:"i"`
	First    int64  `json:"t"`
}

// peerCap is how many instances a port's peer list keeps; peerKnown of
// them having used a port before makes it usual for the account.
const (
	peerCap   = 4
	peerKnown = 2
)

// addPeer keeps the peerCap earliest instances of a port, whatever order
// they come in.
func (s *portHistory) addPeer(key, inst string, t int64) {
	if s.Peers == nil {
		s.Peers = map[string][]peerUse{}
	}
	ps := s.Peers[key]
	for i := range ps {
		if ps[i].Instance == inst {
			if t < ps[i].First {
				ps[i].First = t
				slices.SortFunc(ps, func(a, b peerUse) int {
					return cmp.Or(cmp.Compare(a.First, b.First), cmp.Compare(a.Instance, b.Instance))
				})
			}
			return
		}
	}
	if len(s.Peers) >= maxKeys && ps == nil {
		return
	}
	ps = append(ps, peerUse{Instance: strings.Clone(inst), First: t})
	slices.SortFunc(ps, func(a, b peerUse) int {
		return cmp.Or(cmp.Compare(a.First, b.First), cmp.Compare(a.Instance, b.Instance))
	})
	if len(ps) > peerCap {
		ps = ps[:peerCap]
	}
	s.Peers[key] = ps
}

// usedByPeers reports whether peerKnown other instances used the port
// before t.
func (s *portHistory) usedByPeers(key, inst string, t int64) bool {
	n := 0
	for _, p := range s.Peers[key] {
		if p.Instance != inst && p.First < t {
			n++
		}
	}
	return n >= peerKnown
}

type instPorts struct {
	Account string               `json:"account"`
	First   int64                `json:"first"`
	Last    int64                `json:"last"`
	Ports   map[string]*portUses `json:"ports,omitempty"`
}

type portUses struct {
	First    int64   `json:"first"`
	Reported bool    `json:"reported,omitempty"`
	Samples  samples `json:"samples,omitempty"`
}

func newPortHistory(only int64) func() detect.Stateful {
	return func() detect.Stateful { return &portHistory{only: only, Insts: map[string]*instPorts{}} }
}

func (s *portHistory) ObserveFlow(r *vigil.FlowRecord, p vigil.Partition, _ *detect.Context) []detect.Hit {
	c, ok := connOf(r)
	if !ok {
		return nil
	}
	in := s.Insts[c.instance]
	if in == nil {
		if len(s.Insts) >= maxKeys {
			return nil
		}
		in = &instPorts{Account: strings.Clone(p.Account), First: c.start, Last: c.start}
		s.Insts[strings.Clone(c.instance)] = in // the scan's strings share page buffers
	}
	in.First, in.Last, s.Max = min(in.First, c.start), max(in.Last, c.start), max(s.Max, c.start)
	if c.inbound || !c.opened || !Public(c.remote) || c.proto != 6 && c.proto != 17 {
		return nil
	}
	if s.only != 0 && (c.rport != s.only || c.proto != 6) {
		return nil
	}
	key := strconv.FormatInt(c.proto, 10) + "/" + strconv.FormatInt(c.rport, 10)
	s.addPeer(p.Account+"|"+key, c.instance, c.start)
	if in.Ports == nil {
		in.Ports = map[string]*portUses{}
	}
	u := in.Ports[key]
	if u == nil {
		if len(in.Ports) >= maxPorts {
			return nil
		}
		u = &portUses{First: c.start}
		in.Ports[key] = u
	}
	u.First = min(u.First, c.start)
	if !u.Reported || len(u.Samples) < portRefs {
		u.Samples.addFlow(r, p, portRefs)
	}
	return nil
}

// Flush reports the ports first used after the instance's learning period.
func (s *portHistory) Flush(*detect.Context) []detect.Hit {
	var out []detect.Hit
	learn := int64(learningPeriod.Seconds())
	for inst, in := range s.Insts {
		for key, u := range in.Ports {
			known := u.First < in.First+learn || s.usedByPeers(in.Account+"|"+key, inst, u.First)
			if known || len(u.Samples) == 0 {
				if known {
					u.Samples = nil // known: keep no evidence
				}
				continue
			}
			u.Reported = true
			h := u.Samples.hit(inst, key)
			first := time.Unix(u.First, 0).UTC().Format(time.RFC3339)
			since := time.Unix(in.First, 0).UTC().Format(time.RFC3339)
			if s.only != 0 {
				h.Description = fmt.Sprintf("%s is sending traffic to remote port %d (SMTP), first at %s, with no such traffic since %s: it may be sending spam.", inst, s.only, first, since)
			} else {
				h.Description = fmt.Sprintf("%s is communicating on an unusual server port %s (first at %s; the instance has been watched since %s).", inst, key, first, since)
			}
			h.Info = map[string]string{"unusual": key, "firstSeen": first, "watchedSince": since}
			out = append(out, h)
		}
	}
	s.prune()
	return out
}

// prune forgets instances silent for historyHorizon.
func (s *portHistory) prune() {
	limit := s.Max - int64(historyHorizon.Seconds())
	for k, in := range s.Insts {
		if in.Last < limit {
			delete(s.Insts, k)
		}
	}
	for k, ps := range s.Peers {
		if _, ok := s.Insts[ps[0].Instance]; !ok && ps[len(ps)-1].First < limit {
			delete(s.Peers, k)
		}
	}
}

func (s *portHistory) MarshalState() (json.RawMessage, error) { return json.Marshal(s) }

func (s *portHistory) UnmarshalState(m json.RawMessage) error {
	s.Insts = nil
	if err := json.Unmarshal(m, s); err != nil {
		return err
	}
	if s.Insts == nil {
		s.Insts = map[string]*instPorts{}
	}
	return nil
}
