package flowlogs

import (
	"net/netip"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// privatePrefixes are the addresses that are not on the internet:
// RFC 1918, carrier-grade NAT (100.64.0.0/10, RFC 6598), loopback,
// link-local (169.254.0.0/16 with the instance metadata service,
// fe80::/10), IPv6 unique local addresses (fc00::/7), and "this network".
var privatePrefixes = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("fc00::/7"),
}

// Private reports whether a is private addressing (see privatePrefixes).
func Private(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is4() { // the same prefixes, without the loop
		b := a.As4()
		switch b[0] {
		case 10, 127, 0:
			return true
		case 172:
			return b[1]&0xf0 == 16
		case 192:
			return b[1] == 168
		case 100:
			return b[1]&0xc0 == 64
		case 169:
			return b[1] == 254
		}
		return false
	}
	for _, p := range privatePrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Public reports whether a is a valid, globally routed unicast address:
// not private, not multicast, not unspecified.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && !Private(a) && !a.IsMulticast() && !a.IsUnspecified() && !a.IsLinkLocalMulticast()
}

// conn is a flow-log record seen from the instance whose interface logged
// it: which side is the instance, which the remote host, and who opened
// the connection.
type conn struct {
	instance string // instance-id (v3+), else interface-id
	local    netip.Addr
	remote   netip.Addr
	lport    int64
	rport    int64
	proto    int64
	inbound  bool // traffic towards the instance
	// opened is true when the record's source opened the connection (a
	// client's request, not a server's answer).
	opened   bool
	start    int64
	end      int64
	bytes    int64
	accepted bool
}

// connOf reads r as a connection of an instance with a remote host. It
// returns false for records that are not one (NODATA, SKIPDATA, no
// addresses), and for traffic between two private or two public addresses
// when the record has no flow-direction (v2): an instance's address is the
// private one, as flow logs record traffic through the internet gateway.
func connOf(r *vigil.FlowRecord) (conn, bool) {
	var c conn
	if !r.Has(vigil.FlowSrcAddr) || !r.Has(vigil.FlowDstAddr) || !r.Has(vigil.FlowStart) {
		return c, false
	}
	if r.Has(vigil.FlowLogStatus) && r.Str[vigil.FlowLogStatus] != "OK" {
		return c, false
	}
	src, ok1 := parseAddr(r.Str[vigil.FlowSrcAddr])
	dst, ok2 := parseAddr(r.Str[vigil.FlowDstAddr])
	if !ok1 || !ok2 {
		return c, false
	}
	src, dst = src.Unmap(), dst.Unmap()
	switch {
	case r.Has(vigil.FlowFlowDirection):
		c.inbound = r.Str[vigil.FlowFlowDirection] == "ingress"
	case Private(src) && !Private(dst):
		c.inbound = false
	case !Private(src) && Private(dst):
		c.inbound = true
	default:
		return c, false
	}
	c.instance = r.Str[vigil.FlowInstanceID]
	if c.instance == "" {
		c.instance = r.Str[vigil.FlowInterfaceID]
	}
	if c.instance == "" {
		return c, false
	}
	sport, dport := r.Int[vigil.FlowSrcPort], r.Int[vigil.FlowDstPort]
	c.local, c.remote, c.lport, c.rport = src, dst, sport, dport
	if c.inbound {
		c.local, c.remote, c.lport, c.rport = dst, src, dport, sport
	}
	c.proto = r.Int[vigil.FlowProtocol]
	c.opened = opener(r, sport, dport)
	c.start, c.end = r.Int[vigil.FlowStart], r.Int[vigil.FlowEnd]
	c.bytes = r.Int[vigil.FlowBytes]
	c.accepted = r.Str[vigil.FlowAction] == "ACCEPT"
	return c, true
}

// parseAddr is netip.ParseAddr with a fast path for the dotted IPv4
// addresses that make most records (every flow-log detection reads both
// addresses of every record): a.b.c.d, each part 0-255 without leading
// zeros; anything else goes to netip.ParseAddr.
func parseAddr(s string) (netip.Addr, bool) {
	var b [4]byte
	part, n, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9':
			if digits > 0 && n == 0 || digits == 3 { // a leading zero, or four digits
				return slowAddr(s)
			}
			n, digits = n*10+int(ch-'0'), digits+1
			if n > 255 {
				return slowAddr(s)
			}
		case ch == '.' && digits > 0 && part < 3:
			b[part], part, n, digits = byte(n), part+1, 0, 0
		default:
			return slowAddr(s)
		}
	}
	if part != 3 || digits == 0 {
		return slowAddr(s)
	}
	b[3] = byte(n)
	return netip.AddrFrom4(b), true
}

func slowAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	return a, err == nil
}

// opener reports whether the record's source opened the connection. TCP
// flags (v3+) decide when they show a SYN: SYN alone is the client,
// SYN-ACK the server. Else the ports do: the server's port is the lower
// one, unless the lower is an ephemeral port (>= 32768) and the other a
// well-known one, which v2 records of scans to high ports rarely show.
func opener(r *vigil.FlowRecord, sport, dport int64) bool {
	if r.Has(vigil.FlowTCPFlags) && r.Int[vigil.FlowProtocol] == 6 {
		f := r.Int[vigil.FlowTCPFlags]
		switch {
		case f&0x12 == 0x12:
			return false
		case f&0x02 != 0:
			return true
		}
	}
	if sport < 1024 && dport >= 1024 {
		return false
	}
	return dport <= sport || sport < 1024
}

// service reports whether the connection goes to an AWS service: the
// record says so (pkt-dst-aws-service, traffic-path 7: a gateway
// endpoint), or the remote address is in a published S3 range.
func service(r *vigil.FlowRecord, c conn) bool {
	if r.Has(vigil.FlowPktDstAWSService) && r.Str[vigil.FlowPktDstAWSService] != "" {
		return true
	}
	if r.Has(vigil.FlowTrafficPath) && r.Int[vigil.FlowTrafficPath] == 7 {
		return true
	}
	for _, p := range s3Prefixes {
		if p.Contains(c.remote) {
			return true
		}
	}
	return false
}

// s3Prefixes are Amazon S3 address ranges from AWS's ip-ranges.json
// (service S3, the largest blocks): backups to S3 are routine bulk
// traffic, not exfiltration to a host.
var s3Prefixes = []netip.Prefix{
	netip.MustParsePrefix("52.216.0.0/15"),
	netip.MustParsePrefix("52.92.0.0/16"),
	netip.MustParsePrefix("54.231.0.0/16"),
	netip.MustParsePrefix("3.5.0.0/16"),
	netip.MustParsePrefix("16.182.0.0/16"),
	netip.MustParsePrefix("18.34.0.0/19"),
}
