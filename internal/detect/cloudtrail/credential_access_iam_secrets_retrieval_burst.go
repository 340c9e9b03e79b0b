package cloudtrail

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(secretsBurst) }

// A burst is burstMinSecrets distinct secrets within burstWindow seconds.
const (
	burstMinSecrets = 10
	burstWindow     = 10 * 60
	// maxBurstItems bounds the secrets kept per principal, and
	// maxBurstPrincipals the principals.
	maxBurstItems      = 64
	maxBurstPrincipals = 100_000
)

var secretsBurst = &detect.Detection{
	ID:        "credential_access.iam_secrets_retrieval_burst",
	Type:      "CredentialAccess:IAMUser/SecretsRetrievalBurst",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "A principal retrieved many secrets at once",
	Description: fmt.Sprintf("One principal (role sessions count as their role) asked for at least %d distinct secrets "+
		"within %d minutes, successfully or not: Secrets Manager GetSecretValue and BatchGetSecretValue (secret ARNs "+
		"count by name, without AWS's random suffix), SSM GetParameter, GetParameters and GetParametersByPath with "+
		"decryption (each parameter name or path), and EC2 GetPasswordData (each instance). A BatchGetSecretValue "+
		"that selects secrets by filter (every secret with a tag, say) rather than by name is reported on its own. "+
		"Applications read the few secrets they need; harvesting them all, or guessing at instances' Windows "+
		"passwords, is credential access. GuardDuty reports such calls only as CredentialAccess:IAMUser/"+
		"AnomalousBehavior when the caller is unusual. The window is judged on each secret's first request, so the "+
		"order records arrive in does not matter.", burstMinSecrets, burstWindow/60),
	FalsePositives: "A deployment or bootstrap script that loads every secret of an environment, secret-rotation and " +
		"backup tools: suppress their principals.",
	Key:         "access key (or principal)",
	Technique:   "T1555.006",
	Source:      detect.SourceCloudTrail,
	NewStateful: func() detect.Stateful { return &burst{P: map[string]*burstPrincipal{}} },
}

// burst is the detection's state: per principal, the first request of
// each secret (a minimum: order-independent) until it is final.
type burst struct {
	P   map[string]*burstPrincipal `json:"p"`
	Max int64                      `json:"max"`
}

type burstPrincipal struct {
	Items map[string]*burstItem `json:"i"`
}

type burstItem struct {
	T  int64 `json:"t"`
	Ev *kept `json:"e"`
}

// secretsOf returns what an event asks for: the secrets it names, and
// whether it selects them by filter (bulk).
func secretsOf(e *vigil.Event) (items []string, bulk bool) {
	p := params(e)
	switch e.EventSource + " " + e.EventName {
	case "secretsmanager.amazonaws.com GetSecretValue":
		items = append(items, "secret:"+secretName(text(get(p, "secretId"))))
	case "secretsmanager.amazonaws.com BatchGetSecretValue":
		for _, id := range texts(get(p, "secretIdList")) {
			items = append(items, "secret:"+secretName(id))
		}
		bulk = get(p, "filters") != nil
	case "ssm.amazonaws.com GetParameter", "ssm.amazonaws.com GetParameters", "ssm.amazonaws.com GetParametersByPath":
		if v, _ := flag(get(p, "withDecryption")); !v {
			return nil, false
		}
		for _, n := range append(texts(get(p, "name")), texts(get(p, "names"))...) {
			items = append(items, "parameter:"+n)
		}
		if path := text(get(p, "path")); path != "" {
			items = append(items, "parameter-path:"+path)
		}
	case "ec2.amazonaws.com GetPasswordData":
		items = append(items, "password-data:"+text(get(p, "instanceId")))
	}
	return items, bulk
}

// secretName returns a secret's name: ARNs end in the name and a random
// "-" and six characters that AWS appends.
func secretName(id string) string {
	if rest, ok := strings.CutPrefix(id, "arn:"); ok {
		if i := strings.Index(rest, ":secret:"); i >= 0 {
			id = rest[i+len(":secret:"):]
			if j := strings.LastIndexByte(id, '-'); j > 0 && len(id)-j == 7 {
				id = id[:j]
			}
		}
	}
	return id
}

var burstEvents = map[string]bool{"GetSecretValue": true, "BatchGetSecretValue": true, "GetParameter": true,
	"GetParameters": true, "GetParametersByPath": true, "GetPasswordData": true}

func (s *burst) ObserveEvent(e *vigil.Event, part vigil.Partition, _ *detect.Context) []detect.Hit {
	if !burstEvents[e.EventName] {
		return nil
	}
	t, ok := unixTime(e.EventTime)
	who := baselineKey(e)
	if !ok || who == "" {
		return nil
	}
	items, bulk := secretsOf(e)
	s.Max = max(s.Max, t)
	if bulk {
		k := keep(e, part)
		return []detect.Hit{{Event: k.event(), Partition: part,
			Description: fmt.Sprintf("%s retrieved every secret matching a filter with BatchGetSecretValue%s.", caller(e), from(e)),
			Info:        map[string]string{"secrets": "by filter"}}}
	}
	if len(items) == 0 {
		return nil
	}
	p := s.P[who]
	if p == nil {
		if len(s.P) >= maxBurstPrincipals {
			return nil
		}
		p = &burstPrincipal{Items: map[string]*burstItem{}}
		s.P[strings.Clone(who)] = p
	}
	var k *kept // one copy for every secret the event names
	own := func() *kept {
		if k == nil {
			k = keep(e, part)
		}
		return k
	}
	for _, it := range items {
		b := p.Items[it]
		if b == nil && len(p.Items) >= maxBurstItems && !p.evictLatest(t) {
			continue
		}
		switch {
		case b == nil:
			p.Items[strings.Clone(it)] = &burstItem{T: t, Ev: own()}
		case t < b.T || t == b.T && e.EventID < b.Ev.ID:
			b.T, b.Ev = t, own()
		}
	}
	return nil
}

// evictLatest makes room for a secret first asked for at t in a full
// principal: it drops the latest one if t is earlier, so that the
// earliest maxBurstItems are kept whatever the order of arrival.
func (p *burstPrincipal) evictLatest(t int64) bool {
	var latest string
	for k, b := range p.Items {
		if latest == "" || b.T > p.Items[latest].T || b.T == p.Items[latest].T && k > latest {
			latest = k
		}
	}
	if latest == "" || p.Items[latest].T <= t {
		return false
	}
	delete(p.Items, latest)
	return true
}

// Flush implements detect.Stateful: per principal, one hit for every
// secret that lies in some window of burstWindow seconds holding
// burstMinSecrets distinct secrets (more records only add to that set, so
// the hit grows the same whatever order they come in); secrets first
// asked for longer ago than the lateness horizon are forgotten.
func (s *burst) Flush(*detect.Context) []detect.Hit {
	var hits []detect.Hit
	for _, who := range slices.Sorted(maps.Keys(s.P)) {
		p := s.P[who]
		items := slices.SortedFunc(maps.Values(p.Items), func(a, b *burstItem) int {
			if a.T != b.T {
				return int(a.T - b.T)
			}
			return strings.Compare(a.Ev.ID, b.Ev.ID)
		})
		in := make([]bool, len(items))
		n := 0
		for i, j := 0, 0; j < len(items); j++ {
			for items[j].T-items[i].T > burstWindow {
				i++
			}
			if j-i+1 >= burstMinSecrets {
				for k := i; k <= j; k++ {
					if !in[k] {
						in[k] = true
						n++
					}
				}
			}
		}
		if n > 0 {
			var burst []*burstItem
			for k, it := range items {
				if in[k] {
					burst = append(burst, it)
				}
			}
			hits = append(hits, s.hit(burst))
		}
		for k, b := range p.Items {
			if b.T < s.Max-keepSeconds {
				delete(p.Items, k)
			}
		}
		if len(p.Items) == 0 {
			delete(s.P, who)
		}
	}
	return hits
}

func (s *burst) hit(items []*burstItem) detect.Hit {
	first := items[0].Ev
	e := first.event()
	h := detect.Hit{Event: e, Partition: first.Part}
	seen := map[string]bool{first.ID: true}
	apis := map[string]bool{}
	for _, it := range items {
		apis[it.Ev.Name] = true
		if !seen[it.Ev.ID] {
			seen[it.Ev.ID] = true
			h.Refs = append(h.Refs, it.Ev.ref())
		}
	}
	names := slices.Sorted(maps.Keys(apis))
	h.Description = fmt.Sprintf("%s asked for %d distinct secrets in bursts of at least %d within %d minutes (%s), starting at %s.",
		caller(e), len(items), burstMinSecrets, burstWindow/60, strings.Join(names, ", "), e.EventTime)
	h.Info = map[string]string{"secrets": fmt.Sprint(len(items)), "apis": strings.Join(names, ",")}
	return h
}

// MarshalState implements detect.Stateful.
func (s *burst) MarshalState() (json.RawMessage, error) { return json.Marshal(s) }

// UnmarshalState implements detect.Stateful.
func (s *burst) UnmarshalState(b json.RawMessage) error {
	if err := json.Unmarshal(b, s); err != nil {
		return err
	}
	if s.P == nil {
		s.P = map[string]*burstPrincipal{}
	}
	return nil
}
