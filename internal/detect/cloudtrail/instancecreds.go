package cloudtrail

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// The InstanceCredentialExfiltration pair: EC2 instance-role credentials
// used from somewhere else. Both detections share this model
// (detect.Detection.Model), which keeps, per role, the remote networks its
// instance sessions were seen calling from, and reports new ones outside
// AWS for OutsideAWS and inside it for InsideAWS.
//
// AWS's address space: Vigil has no copy of AWS's ip-ranges.json, so an
// address is "AWS" when it is private (a VPC, through an endpoint) or when
// the --geoip ASN database places it in an Amazon autonomous system (see
// inAWS). The role's own networks are learnt: those seen in the role's
// first learningDays days are expected (NAT gateways, proxies, Direct
// Connect), as GuardDuty learns expected remote networks.

// The model's name, and the IDs of the detections it reports for.
const (
	instanceCredsModel = "iam_instance_credential_exfiltration"
	exfilOutsideID     = "unauthorized_access.iam_instance_credential_exfiltration_outside_aws"
	exfilInsideID      = "unauthorized_access.iam_instance_credential_exfiltration_inside_aws"
)

// maxNetworks bounds the networks kept per role.
const maxNetworks = 256

type instanceCreds struct {
	R   map[string]*roleNets `json:"r"`
	Max int64                `json:"max"`
}

// roleNets is one role's learnt networks.
type roleNets struct {
	First int64                      `json:"f"`
	Nets  map[netip.Prefix]*firstNet `json:"n"` // JSON keys "192.0.2.0/24", as netip.Prefix marshals
}

// firstNet is the first call from a network: its time, whether the
// address is AWS's (1), not (0) or unknown (-1), and the call until final.
type firstNet struct {
	T   int64 `json:"t"`
	AWS int8  `json:"aws"`
	Ev  *kept `json:"e,omitempty"`
}

func newInstanceCreds() detect.Stateful { return &instanceCreds{R: map[string]*roleNets{}} }

// instanceSession returns the role and instance id of an EC2 instance
// session: an assumed role whose session name is an instance id (what
// EC2 names the sessions of instance profiles), or one marked with
// ec2RoleDelivery (IMDS).
func instanceSession(e *vigil.Event) (role, instance string, ok bool) {
	u := &e.UserIdentity
	if u.Type != "AssumedRole" {
		return "", "", false
	}
	_, session, _ := strings.Cut(u.PrincipalID, ":")
	isID := strings.HasPrefix(session, "i-") && len(session) >= 10 && strings.Trim(session[2:], "0123456789abcdef") == ""
	sc := u.SessionContext
	if !isID && (sc == nil || sc.EC2RoleDelivery == "") {
		return "", "", false
	}
	role = u.ARN
	if sc != nil && sc.SessionIssuer != nil && sc.SessionIssuer.ARN != "" {
		role = sc.SessionIssuer.ARN
	} else if i := strings.LastIndexByte(role, '/'); i > 0 {
		role = role[:i]
	}
	return role, session, role != ""
}

// ObserveEvent implements detect.EventObserver.
func (s *instanceCreds) ObserveEvent(e *vigil.Event, part vigil.Partition, c *detect.Context) []detect.Hit {
	role, instance, ok := instanceSession(e)
	if !ok {
		return nil
	}
	var hits []detect.Hit
	if e.VPCEndpointAccountID != "" && c.External(e.VPCEndpointAccountID, owner(e)) {
		// One event proves it: the call came through a VPC endpoint of
		// an account outside the organization.
		hits = append(hits, detect.Hit{
			Detection: exfilInsideID,
			Actor:     e.VPCEndpointAccountID,
			Severity:  vigil.SeverityHigh,
			Description: fmt.Sprintf("Credentials of instance %s (role %s) were used through VPC endpoint %s of account %s, outside the organization.",
				instance, role, e.VPCEndpointID, e.VPCEndpointAccountID),
			Info:  map[string]string{"instanceId": instance, "vpcEndpointId": e.VPCEndpointID, "remoteAccountId": e.VPCEndpointAccountID},
			Event: keep(e, part).event(), Partition: part,
		})
	}
	a, p, ok := lookup(c, e)
	t, okT := unixTime(e.EventTime)
	if !ok || !okT {
		return hits
	}
	s.Max = max(s.Max, t)
	r := s.R[role]
	if r == nil {
		r = &roleNets{First: t, Nets: map[netip.Prefix]*firstNet{}}
		s.R[strings.Clone(role)] = r
	}
	r.First = min(r.First, t)
	n := networkPrefix(a)
	f := r.Nets[n]
	switch {
	case f == nil && len(r.Nets) >= maxNetworks:
	case f == nil || t < f.T || t == f.T && f.Ev != nil && e.EventID < f.Ev.ID:
		if f == nil {
			f = &firstNet{}
			r.Nets[n] = f
		}
		f.AWS = -1
		if aws, known := inAWS(a, p); known && aws {
			f.AWS = 1
		} else if known {
			f.AWS = 0
		}
		f.T, f.Ev = t, keep(e, part)
	}
	return hits
}

// Flush implements detect.Stateful: networks first seen after the role's
// learning period, outside AWS (OutsideAWS: not AWS, or unknown) or
// inside it (InsideAWS: an AWS address the role never used).
func (s *instanceCreds) Flush(*detect.Context) []detect.Hit {
	var hits []detect.Hit
	for _, role := range slices.Sorted(maps.Keys(s.R)) {
		r := s.R[role]
		end := learnEnd(r.First)
		nets := slices.SortedFunc(maps.Keys(r.Nets), func(a, b netip.Prefix) int { return strings.Compare(a.String(), b.String()) })
		for _, n := range nets {
			f := r.Nets[n]
			if f.Ev == nil {
				continue
			}
			switch {
			case f.T < end:
			case f.AWS != 1:
				hits = append(hits, s.hit(exfilOutsideID, role, n.String(), f))
			case f.Ev.IP == "" || !isPrivate(f.Ev.IP):
				hits = append(hits, s.hit(exfilInsideID, role, n.String(), f))
			}
			if f.T < s.Max-keepSeconds {
				f.Ev = nil
			}
		}
	}
	return hits
}

func isPrivate(ip string) bool {
	a, ok := detect.SourceAddr(&vigil.Event{SourceIPAddress: ip})
	return ok && (a.IsPrivate() || a.IsLoopback())
}

func (s *instanceCreds) hit(id, role, n string, f *firstNet) detect.Hit {
	e := f.Ev.event()
	_, instance, _ := strings.Cut(e.UserIdentity.PrincipalID, ":")
	where := "an address outside AWS"
	switch {
	case id == exfilInsideID:
		where = "an AWS address the role never used (another account's instance)"
	case f.AWS < 0:
		where = "an address not known to be AWS's"
	}
	return detect.Hit{
		Detection: id, Actor: n, Event: e, Partition: f.Ev.Part,
		Description: fmt.Sprintf("Credentials of instance %s (role %s) were used to call %s from %s, %s, a network new to the role after its learning period.",
			instance, role, e.EventName, e.SourceIPAddress, where),
		Info: map[string]string{"instanceId": instance, "role": role, "network": n},
	}
}

// MarshalState implements detect.Stateful.
func (s *instanceCreds) MarshalState() (json.RawMessage, error) { return json.Marshal(s) }

// UnmarshalState implements detect.Stateful. It merges b into the state
// (first-seen times are minima), so that the states the two detections
// kept on their own before they shared the model combine into one.
func (s *instanceCreds) UnmarshalState(b json.RawMessage) error {
	var in instanceCreds
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	s.Max = max(s.Max, in.Max)
	for role, q := range in.R {
		r := s.R[role]
		if r == nil {
			s.R[role] = q
			continue
		}
		r.First = min(r.First, q.First)
		for n, qf := range q.Nets {
			if f := r.Nets[n]; f == nil && len(r.Nets) < maxNetworks {
				r.Nets[n] = qf
			} else if f != nil && qf.T < f.T {
				*f = *qf
			}
		}
	}
	return nil
}
