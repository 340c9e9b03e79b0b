package cloudtrail

import (
	"encoding/json"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// The AnomalousBehavior family: one per-principal first-seen model over
// API, ASN, country, user-agent family and region, shared by the eight
// detections (detect.Detection.Model): the engine runs one instance,
// which learns the principal's places and the first call of each API
// from every event once, and reports each first call as a hit for the
// detection of the API's tactic.

// anomalyModel is the model's name: the key of its state.
const anomalyModel = "iam_anomalous_behavior"

// anomalyIDs maps each tactic to its detection's ID (anomalyDetection
// fills it at init).
var anomalyIDs = map[string]string{}

// Tactics of the AnomalousBehavior types.
const (
	tacticCredentialAccess    = "CredentialAccess"
	tacticDefenseEvasion      = "DefenseEvasion"
	tacticDiscovery           = "Discovery"
	tacticExfiltration        = "Exfiltration"
	tacticImpact              = "Impact"
	tacticInitialAccess       = "InitialAccess"
	tacticPersistence         = "Persistence"
	tacticPrivilegeEscalation = "PrivilegeEscalation"
)

// tacticAPIs lists the APIs of each tactic: GuardDuty's examples
// (shared/notes/guardduty.md, a.1) and their close relatives. Other
// List*, Describe* and Get* calls are Discovery.
var tacticAPIs = map[string][]string{
	tacticCredentialAccess: {"GetPasswordData", "GetSecretValue", "BatchGetSecretValue", "GenerateDbAuthToken",
		"GetParameter", "GetParameters", "GetParametersByPath", "RetrieveRDPSSHKey"},
	tacticDefenseEvasion: {"DeleteFlowLogs", "DisableAlarmActions", "StopLogging", "DeleteTrail", "UpdateTrail",
		"PutEventSelectors", "DeleteDetector", "UpdateDetector", "DisassociateFromMasterAccount", "DeleteConfigRule",
		"StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel", "DisableSecurityHub",
		"DeleteLogGroup", "DeleteLogStream", "DeleteAlarms", "DisableKey", "PutBucketLogging", "DeleteMembers"},
	tacticExfiltration: {"PutBucketReplication", "CreateSnapshot", "CopySnapshot", "CreateDBSnapshot",
		"CopyDBSnapshot", "RestoreDBInstanceFromDBSnapshot", "CreateImage", "CopyImage", "ModifySnapshotAttribute",
		"ModifyImageAttribute", "ModifyDBSnapshotAttribute", "CreateStoreImageTask"},
	tacticImpact: {"DeleteSecurityGroup", "UpdateUser", "PutBucketPolicy", "PutBucketAcl", "DeleteBucketPolicy",
		"DeleteBucket", "DeleteDBInstance", "DeleteDBCluster", "TerminateInstances", "ScheduleKeyDeletion",
		"DeleteVpc", "DeleteUser", "DeleteRole", "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock"},
	tacticInitialAccess: {"StartSession", "GetAuthorizationToken", "GetSessionToken", "GetFederationToken",
		"SendSSHPublicKey", "GetRoleCredentials", "CreateSession"},
	tacticPersistence: {"CreateAccessKey", "ImportKeyPair", "CreateKeyPair", "ModifyInstanceAttribute",
		"CreateUser", "CreateLoginProfile", "UpdateLoginProfile", "CreateRole", "AuthorizeSecurityGroupIngress",
		"CreateFunction", "UpdateFunctionCode", "AddPermission", "CreateServiceSpecificCredential", "UploadSSHPublicKey"},
	tacticPrivilegeEscalation: {"AssociateIamInstanceProfile", "ReplaceIamInstanceProfileAssociation", "AddUserToGroup",
		"PutUserPolicy", "AttachUserPolicy", "PutRolePolicy", "AttachRolePolicy", "PutGroupPolicy", "AttachGroupPolicy",
		"CreatePolicyVersion", "SetDefaultPolicyVersion", "UpdateAssumeRolePolicy", "PassRole"},
}

var apiTactic = func() map[string]string {
	m := map[string]string{}
	for t, apis := range tacticAPIs {
		for _, a := range apis {
			if prev, dup := m[a]; dup {
				panic("BUG: API " + a + " in tactics " + prev + " and " + t)
			}
			m[a] = t
		}
	}
	return m
}()

// tacticOf returns the tactic of an API, "" for none.
func tacticOf(api string) string {
	if t, ok := apiTactic[api]; ok {
		return t
	}
	if isRecon(api) {
		return tacticDiscovery
	}
	return ""
}

// Parameters of the model.
const (
	// noveltySeconds: a place (ASN, country, user-agent family) is new
	// for a call when the principal was first seen there at most this
	// long before the call, and after its learning period.
	noveltySeconds = day
	// maxPlaces and maxAPIs bound one principal's baseline; values beyond
	// them are not learnt (a principal with that many places is itself
	// the anomaly, and is reported by the values it had).
	maxPlaces = 64
	maxAPIs   = 256
)

// Place dimensions, the prefix of a baseline key.
const (
	dimASN     = "a:"
	dimCountry = "c:"
	dimAgent   = "u:"
	dimRegion  = "r:"
)

var dimNames = map[string]string{dimASN: "ASN", dimCountry: "country", dimAgent: "user agent", dimRegion: "region"}

// anomaly is the model.
type anomaly struct {
	cache placeCache
	seed  maphash.Seed
	buf   []string
	P     map[string]*profile `json:"p"`
	Max   int64               `json:"max"` // newest record time seen
}

// profile is one principal's baseline. Every value is a minimum (first
// seen), so the state after a set of events does not depend on their order.
type profile struct {
	First  int64                `json:"f"`
	Places []seen               `json:"pl"` // few: a slice is smaller than a map
	APIs   map[string]*firstAPI `json:"api"`

	last  uint64 // hash of the previous call's address, agent and region
	lastT int64  // its time
}

// seen is a place and when the principal was first seen there.
type seen struct {
	K string `json:"k"`
	T int64  `json:"t"`
}

// place returns the index of place k, -1 if not seen.
func (p *profile) place(k string) int {
	for i := range p.Places {
		if p.Places[i].K == k {
			return i
		}
	}
	return -1
}

// firstAPI is the first call of an API by the principal: its time, and
// until it is final (keepSeconds), the call and the places it came from.
type firstAPI struct {
	T      int64    `json:"t"`
	Ev     *kept    `json:"e,omitempty"`
	Places []string `json:"pl,omitempty"`
}

func newAnomaly() detect.Stateful {
	return &anomaly{seed: maphash.MakeSeed(), P: map[string]*profile{}}
}

// placeCache remembers the place keys of recent addresses, user agents
// and regions: every event needs them, and GeoIP decoding is the model's
// main cost. It is no part of the state; each map is emptied when full.
type placeCache struct {
	ip, ua, region map[string][]string
}

const placeCacheSize = 8192

func cached(m *map[string][]string, k string, fn func() []string) []string {
	if v, ok := (*m)[k]; ok {
		return v
	}
	if *m == nil || len(*m) >= placeCacheSize {
		*m = make(map[string][]string, 64)
	}
	v := fn()
	(*m)[strings.Clone(k)] = v
	return v
}

// places appends to buf the baseline keys of where e came from.
func (pc *placeCache) places(buf []string, e *vigil.Event, c *detect.Context) []string {
	buf = append(buf, cached(&pc.ip, e.SourceIPAddress, func() []string {
		var out []string
		if _, p, ok := lookup(c, e); ok && p.known {
			if p.loc.ASN != 0 {
				out = append(out, dimASN+p.loc.ASNString())
			}
			if p.loc.CountryCode != "" {
				out = append(out, dimCountry+p.loc.CountryCode)
			}
		}
		return out
	})...)
	buf = append(buf, cached(&pc.ua, e.UserAgent, func() []string {
		if f := agentFamily(e.UserAgent); f != "" {
			return []string{dimAgent + f}
		}
		return nil
	})...)
	if e.AWSRegion != "" {
		buf = append(buf, cached(&pc.region, e.AWSRegion, func() []string { return []string{dimRegion + strings.Clone(e.AWSRegion)} })...)
	}
	return buf
}

// ObserveEvent implements detect.EventObserver.
func (s *anomaly) ObserveEvent(e *vigil.Event, part vigil.Partition, c *detect.Context) []detect.Hit {
	if e.ManagementEvent == "false" {
		return nil
	}
	who := baselineKey(e)
	t, ok := unixTime(e.EventTime)
	if who == "" || !ok {
		return nil
	}
	s.Max = max(s.Max, t)
	p := s.P[who]
	if p == nil {
		p = &profile{First: t}
		s.P[strings.Clone(who)] = p
	}
	p.First = min(p.First, t)
	// Most calls come from where the principal's previous call came
	// from; its places then already have first-seen times at or before
	// this one.
	var pl []string
	h := maphash.String(s.seed, e.SourceIPAddress) ^ maphash.String(s.seed, e.UserAgent)*31 ^ maphash.String(s.seed, e.AWSRegion)*961
	if h != p.last || t < p.lastT {
		s.buf = s.cache.places(s.buf[:0], e, c)
		pl = s.buf
		p.last, p.lastT = h, t
	}
	for _, k := range pl {
		if i := p.place(k); i >= 0 {
			p.Places[i].T = min(p.Places[i].T, t)
		} else if len(p.Places) < maxPlaces {
			p.Places = append(p.Places, seen{K: k, T: t})
		}
	}
	if tacticOf(e.EventName) == "" {
		return nil
	}
	a := p.APIs[e.EventName]
	switch {
	case a == nil && len(p.APIs) >= maxAPIs:
	case a == nil || t < a.T || t == a.T && a.Ev != nil && e.EventID < a.Ev.ID:
		if a == nil {
			a = &firstAPI{}
			if p.APIs == nil {
				p.APIs = map[string]*firstAPI{}
			}
			p.APIs[strings.Clone(e.EventName)] = a
		}
		if pl == nil {
			s.buf = s.cache.places(s.buf[:0], e, c)
			pl = s.buf
		}
		a.T, a.Ev, a.Places = t, keep(e, part), slices.Clone(pl)
	}
	return nil
}

// Flush implements detect.Stateful: it reports the first calls of the
// tactics' APIs, after the learning period, that came from a place new
// to the principal, each for its tactic's detection, and forgets the
// calls that are final.
func (s *anomaly) Flush(*detect.Context) []detect.Hit {
	var hits []detect.Hit
	for _, who := range slices.Sorted(maps.Keys(s.P)) {
		p := s.P[who]
		end := learnEnd(p.First)
		for _, api := range slices.Sorted(maps.Keys(p.APIs)) {
			a := p.APIs[api]
			if a.Ev == nil {
				continue
			}
			if a.T >= end {
				if novel := p.novel(a, end); len(novel) > 0 {
					hits = append(hits, s.hit(a, novel))
				}
			}
			if a.T < s.Max-keepSeconds {
				a.Ev, a.Places = nil, nil
			}
		}
	}
	return hits
}

// novel returns what is new about where a call came from: the ASN,
// country and user-agent family first seen, after learning, within
// noveltySeconds before it. A new region alone is not enough (people
// open new regions all the time), but is named when it comes along.
func (p *profile) novel(a *firstAPI, end int64) []string {
	var out []string
	trigger := false
	for _, k := range a.Places {
		i := p.place(k)
		if i < 0 {
			continue
		}
		f := p.Places[i].T
		if f < end || f < a.T-noveltySeconds || f > a.T {
			continue
		}
		out = append(out, dimNames[k[:2]]+" "+k[2:])
		trigger = trigger || k[:2] != dimRegion
	}
	if !trigger {
		return nil
	}
	return out
}

func (s *anomaly) hit(a *firstAPI, novel []string) detect.Hit {
	e := a.Ev.event()
	tactic := tacticOf(e.EventName)
	return detect.Hit{
		Event: e, Partition: a.Ev.Part, Detection: anomalyIDs[tactic],
		Description: fmt.Sprintf("API %s, a %s call, was invoked by %s for the first time, from a new %s.",
			e.EventName, tactic, caller(e), strings.Join(novel, ", ")),
		Info: map[string]string{"tactic": tactic, "newApi": e.EventName, "unusual": strings.Join(novel, "; ")},
	}
}

// MarshalState implements detect.Stateful.
func (s *anomaly) MarshalState() (json.RawMessage, error) { return json.Marshal(s) }

// UnmarshalState implements detect.Stateful. It merges b into the state
// (first-seen times are minima), so that the states the eight detections
// kept on their own before they shared the model combine into one.
func (s *anomaly) UnmarshalState(b json.RawMessage) error {
	var in anomaly
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	s.Max = max(s.Max, in.Max)
	for who, q := range in.P {
		p := s.P[who]
		if p == nil {
			s.P[who] = q
			continue
		}
		p.First = min(p.First, q.First)
		for _, pl := range q.Places {
			if i := p.place(pl.K); i >= 0 {
				p.Places[i].T = min(p.Places[i].T, pl.T)
			} else if len(p.Places) < maxPlaces {
				p.Places = append(p.Places, pl)
			}
		}
		for api, qa := range q.APIs {
			if pa := p.APIs[api]; pa == nil && len(p.APIs) < maxAPIs {
				if p.APIs == nil {
					p.APIs = map[string]*firstAPI{}
				}
				p.APIs[api] = qa
			} else if pa != nil && qa.T < pa.T {
				*pa = *qa
			}
		}
	}
	return nil
}

// anomalyDetection builds the detection of one tactic.
func anomalyDetection(id, tactic string, sev vigil.Severity, technique, what string) *detect.Detection {
	anomalyIDs[tactic] = id
	return &detect.Detection{
		ID:        id,
		Type:      tactic + ":IAMUser/AnomalousBehavior",
		Namespace: detect.NamespaceGuardDuty,
		Severity:  sev,
		Title:     "The API " + what + " was invoked in an unusual way",
		Description: fmt.Sprintf("A %s API (%s, or similar) was called, successfully or not, for the first time by a principal "+
			"(an IAM user, root, a role, or a federated person's role session) and from a place new to it: an ASN, country "+
			"(both from --geoip databases) or user-agent family (tool and OS: aws-cli linux, boto3 macos, browser windows) "+
			"first seen within %d hours before the call (a new region is named but never enough). The baseline of each "+
			"principal (role sessions count as their role, except federated people's) holds first-seen times only, learnt "+
			"from all its calls, at most %d places and %d APIs (of every tactic together: the eight AnomalousBehavior "+
			"detections share one model, which reads each event once); the first %d days of its history only teach it. A routine "+
			"new API from the usual place does not fire, nor does the usual tool from a new place without a new API. The "+
			"first call is the evidence. Calls arriving up to %d days late are judged as if in order; later ones only "+
			"teach. AWS's own calls (the AWSInternal classifier) and data events are skipped. Without --geoip only the "+
			"user-agent family can be new. Findings aggregate per access key.",
			tactic, strings.Join(tacticAPIs[tactic][:min(4, len(tacticAPIs[tactic]))], ", "), noveltySeconds/3600,
			maxPlaces, maxAPIs, learningDays, keepSeconds/day),
		FalsePositives: "A person's first week in a new job, a new laptop or tool (a new user-agent family) on the day they start " +
			"using a new service, travel. Principals younger than the learning period are silent, so an attacker's brand-new " +
			"user is not reported here (see the Persistence detections for who created it).",
		Key:         "access key (or principal)",
		Technique:   technique,
		Source:      detect.SourceCloudTrail,
		NewStateful: newAnomaly,
		Model:       anomalyModel,
	}
}
