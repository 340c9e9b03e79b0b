package cloudtrail

import (
	"net/netip"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// What the stateful detections (anomaly.go, travel.go, instancecreds.go)
// share: a compact copy of the events they keep, time as Unix seconds,
// the principal a baseline belongs to, and where an address is.

const (
	day = int64(24 * time.Hour / time.Second)
	// learningDays is how long a principal's (or role's) history only
	// teaches the baselines, counted in whole UTC days from its first event.
	learningDays = 7
	// keepSeconds is how long a kept event stays available after the
	// newest record seen (a lateness horizon): hits about it are
	// re-derived at every Flush within that time, so data arriving late
	// or out of order still gives the same findings; after it, decisions
	// are final and only the first-seen times remain.
	keepSeconds = 3 * day
)

// kept is the part of an event a stateful detection keeps to report it
// later: what the engine's finding needs, with strings of its own.
type kept struct {
	ID        string          `json:"id"`
	Time      string          `json:"t"`
	Name      string          `json:"n"`
	Source    string          `json:"s"`
	Region    string          `json:"r,omitempty"`
	IP        string          `json:"ip,omitempty"`
	Agent     string          `json:"ua,omitempty"`
	Error     string          `json:"err,omitempty"`
	Recipient string          `json:"acct,omitempty"`
	Type      string          `json:"ut,omitempty"`
	Principal string          `json:"pid,omitempty"`
	ARN       string          `json:"arn,omitempty"`
	Account   string          `json:"ua_acct,omitempty"`
	Key       string          `json:"key,omitempty"`
	User      string          `json:"user,omitempty"`
	Issuer    string          `json:"iss,omitempty"`
	Part      vigil.Partition `json:"p"`
}

func keep(e *vigil.Event, p vigil.Partition) *kept {
	u := &e.UserIdentity
	k := &kept{
		ID: strings.Clone(e.EventID), Time: strings.Clone(e.EventTime), Name: strings.Clone(e.EventName),
		Source: strings.Clone(e.EventSource), Region: strings.Clone(e.AWSRegion), IP: strings.Clone(e.SourceIPAddress),
		Agent: strings.Clone(e.UserAgent), Error: strings.Clone(e.ErrorCode), Recipient: strings.Clone(e.RecipientAccountID),
		Type: strings.Clone(u.Type), Principal: strings.Clone(u.PrincipalID), ARN: strings.Clone(u.ARN),
		Account: strings.Clone(u.AccountID), Key: strings.Clone(u.AccessKeyID), User: strings.Clone(u.UserName), Part: p,
	}
	if sc := u.SessionContext; sc != nil && sc.SessionIssuer != nil {
		k.Issuer = strings.Clone(sc.SessionIssuer.UserName)
	}
	return k
}

// event rebuilds the event for a hit.
func (k *kept) event() *vigil.Event {
	e := &vigil.Event{
		EventID: k.ID, EventTime: k.Time, EventName: k.Name, EventSource: k.Source, AWSRegion: k.Region,
		SourceIPAddress: k.IP, UserAgent: k.Agent, ErrorCode: k.Error, RecipientAccountID: k.Recipient,
		UserIdentity: vigil.UserIdentity{Type: k.Type, PrincipalID: k.Principal, ARN: k.ARN, AccountID: k.Account, AccessKeyID: k.Key, UserName: k.User},
	}
	if k.Issuer != "" {
		e.UserIdentity.SessionContext = &vigil.SessionContext{SessionIssuer: &vigil.SessionIssuer{UserName: k.Issuer}}
	}
	return e
}

// ref is the kept event as an engine Ref, its time in
// vigil.FindingTimeLayout as the engine writes the refs of hits' events.
func (k *kept) ref() detect.Ref {
	t := k.Time
	if u, err := time.Parse(time.RFC3339Nano, t); err == nil {
		t = vigil.FindingTime(u)
	}
	return detect.Ref{ID: k.ID, Time: t, Date: k.Part.Date}
}

// unixTime parses an eventTime; ok is false for a malformed one.
// CloudTrail's own layout (2024-05-01T09:00:00Z) is parsed by hand: every
// event of every stateful detection needs it.
func unixTime(s string) (int64, bool) {
	if len(s) == 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' {
		n := func(i, j int) int {
			v := 0
			for ; i < j; i++ {
				if s[i] < '0' || s[i] > '9' {
					return -1
				}
				v = v*10 + int(s[i]-'0')
			}
			return v
		}
		y, mo, d, h, mi, se := n(0, 4), n(5, 7), n(8, 10), n(11, 13), n(14, 16), n(17, 19)
		if y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && se >= 0 && se < 61 {
			return time.Date(y, time.Month(mo), d, h, mi, se, 0, time.UTC).Unix(), true
		}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, false
	}
	return t.Unix(), true
}

// learnEnd is the first second after the learning period of a history
// whose first event is at first.
func learnEnd(first int64) int64 {
	return (first/day + learningDays) * day
}

// baselineKey returns whom a behaviour baseline is kept for: the IAM user
// or root; for a role session, the role (instances and tasks of one role
// behave alike), except federated people (session names with '@'), who
// each get their own.
func baselineKey(e *vigil.Event) string {
	u := &e.UserIdentity
	if sc := u.SessionContext; sc != nil && sc.SessionIssuer != nil && sc.SessionIssuer.ARN != "" {
		if i := strings.LastIndexByte(u.ARN, '/'); i < 0 || !strings.Contains(u.ARN[i:], "@") {
			return sc.SessionIssuer.ARN
		}
	}
	if u.ARN != "" {
		return u.ARN
	}
	if u.PrincipalID != "" {
		return u.AccountID + ":" + u.PrincipalID
	}
	return ""
}

// place is what the GeoIP databases say about a source address.
type place struct {
	loc   geo.Location
	known bool
}

func lookup(c *detect.Context, e *vigil.Event) (netip.Addr, place, bool) {
	a, ok := detect.SourceAddr(e)
	if !ok {
		return netip.Addr{}, place{}, false
	}
	if c.Geo == nil {
		return a, place{}, true
	}
	l, known := c.Geo.Lookup(a)
	return a, place{loc: l, known: known}, true
}

// awsASNs are the autonomous systems AWS announces its public ranges from
// (AMAZON-02, AMAZON-AES, AMAZON-EXPANSION, AMAZON-AS, and the newer
// regional ones), as GeoLite2-ASN names them.
var awsASNs = map[uint32]bool{16509: true, 14618: true, 8987: true, 7224: true, 38895: true, 39111: true, 10124: true, 62785: true}

// inAWS reports whether a is AWS address space as far as the databases
// know: a private address (the caller is in a VPC, reaching AWS through
// an endpoint) or an address of an AWS autonomous system. known is false
// when no database gives the address an ASN, so nothing can be said.
func inAWS(a netip.Addr, p place) (aws, known bool) {
	if a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return true, true
	}
	if !p.known || p.loc.ASN == 0 {
		return false, false
	}
	return awsASNs[p.loc.ASN] || strings.HasPrefix(strings.ToUpper(p.loc.ASNOrg), "AMAZON"), true
}

// networkPrefix is the /24 (IPv4) or /48 (IPv6) around a: the unit a
// remote network is learnt in, so that neighbouring NAT or office
// addresses count as one place.
func networkPrefix(a netip.Addr) netip.Prefix {
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	return p
}

// agentFamily reduces a user agent to the tool that sent it and the
// operating system it ran on: the first product token (aws-cli, boto3,
// aws-sdk-go-v2, terraform; "browser" for Mozilla agents), lower case, and
// the OS when the agent names one ("boto3 linux", "browser macos").
// Versions change weekly; the tool and machine a principal uses rarely do.
func agentFamily(ua string) string {
	ua = strings.TrimSpace(ua)
	if ua == "" {
		return ""
	}
	tool := "browser"
	if !strings.HasPrefix(ua, "Mozilla/") && !strings.HasPrefix(ua, "[Mozilla/") {
		t := strings.TrimPrefix(ua, "[")
		end := strings.IndexAny(t, "/ ;([]")
		if end < 0 {
			end = len(t)
		}
		tool = strings.ToLower(t[:end])
	}
	if os := osOf(strings.ToLower(ua)); os != "" {
		return tool + " " + os
	}
	return tool
}

// osOf names the operating system a lower-case user agent mentions.
func osOf(ua string) string {
	switch {
	case strings.Contains(ua, "android"):
		return "android"
	case strings.Contains(ua, "iphone") || strings.Contains(ua, "ipad"):
		return "ios"
	case strings.Contains(ua, "windows") || strings.Contains(ua, "win32") || strings.Contains(ua, "win64"):
		return "windows"
	case strings.Contains(ua, "macos") || strings.Contains(ua, "mac os") || strings.Contains(ua, "macintosh") || strings.Contains(ua, "darwin"):
		return "macos"
	case strings.Contains(ua, "linux"):
		return "linux"
	}
	return ""
}
