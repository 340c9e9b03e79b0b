package detect

import (
	"net/netip"
	"strings"

	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Geo looks addresses up; *geo.DB implements it.
type Geo interface {
	Lookup(netip.Addr) (geo.Location, bool)
}

// Context is what detections share. It is read-only once the engine
// starts, so Match functions may read it concurrently. A zero Context is
// valid: no lists, no geography, no known accounts.
type Context struct {
	// Geo resolves remote addresses for findings; nil knows nothing.
	Geo Geo
	// ThreatLists are customer threat lists (the .Custom finding types).
	ThreatLists []*geo.List
	// Tor is the Tor exit-node list (the TorIPCaller types).
	Tor *geo.List
	// Trusted lists addresses whose activity never produces findings,
	// as GuardDuty's trusted IP lists.
	Trusted []*geo.List
	// Accounts are the organization's accounts. Sharing with or trusting
	// one of them is not "external". The account acting is always internal.
	Accounts map[string]bool
	// Suppressions archive matching findings automatically.
	Suppressions []Suppression
}

// Internal reports whether account belongs to the organization.
func (c *Context) Internal(account string) bool { return c.Accounts[account] }

// External reports whether account is outside the organization: neither
// owner (the account acting or owning the resource) nor in Accounts.
func (c *Context) External(account, owner string) bool {
	return account != owner && !c.Accounts[account]
}

// SourceAddr returns the event's source address, if it is an IP address
// (not a service name such as ec2.amazonaws.com or "AWS Internal").
func SourceAddr(e *vigil.Event) (netip.Addr, bool) {
	s := e.SourceIPAddress
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || strings.IndexByte(s, ':') >= 0) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// ThreatMatch returns the first threat list holding a, and the entry.
func (c *Context) ThreatMatch(a netip.Addr) (*geo.List, netip.Prefix, bool) {
	for _, l := range c.ThreatLists {
		if p, ok := l.Match(a); ok {
			return l, p, true
		}
	}
	return nil, netip.Prefix{}, false
}

// IsTrusted reports whether a is on a trusted list.
func (c *Context) IsTrusted(a netip.Addr) bool {
	for _, l := range c.Trusted {
		if l.Contains(a) {
			return true
		}
	}
	return false
}

// AWSInternal reports whether e is AWS acting on its own or on a
// service's behalf, not a person or a workload calling from the outside:
//   - eventType AwsServiceEvent (AWS's own events, e.g. a KMS key rotation);
//   - userIdentity.type AWSService, or userIdentity.invokedBy set (a
//     service such as CloudFormation or Config calling with the caller's
//     permissions);
//   - sourceIPAddress a service name (ec2.amazonaws.com) or
//     "AWS Internal" (the console's back end);
//   - userAgent "AWS Internal".
//
// No detection sees these events: they are not evidence of what the
// principal did from a network of its own. See
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html.
func AWSInternal(e *vigil.Event) bool {
	if e.EventType == "AwsServiceEvent" || e.UserIdentity.Type == "AWSService" || e.UserIdentity.InvokedBy != "" {
		return true
	}
	if strings.HasPrefix(e.UserAgent, "AWS Internal") {
		return true
	}
	s := e.SourceIPAddress
	return s == "AWS Internal" || isServiceHost(s)
}

// isServiceHost reports whether s is an AWS service host name such as
// ec2.amazonaws.com or s3.cn-north-1.amazonaws.com.cn.
func isServiceHost(s string) bool {
	s = strings.TrimSuffix(s, ".cn")
	if !strings.HasSuffix(s, ".amazonaws.com") || len(s) == len(".amazonaws.com") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
