package synth

import (
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Stream names of the flow-log generator. They are far from the CloudTrail
// streams (small integers), so enabling flow logs changes no CloudTrail byte.
const (
	streamFlowNet  uint64 = 0xf10a_0000_0000_0001
	streamFlowPlan uint64 = 0xf10a_0000_0000_0002
	streamFlowUnit uint64 = 0xf10a_0000_0000_0003
	streamFlowInc  uint64 = 0xf10a_0000_0000_0004
)

// v5Format is the custom format of the accounts that do not use the
// default: every version 3 to 5 field, in an order of our own (S3 delivery
// writes the fields in the order the flow log was created with).
var v5Format = []vigil.FlowField{
	vigil.FlowVersion, vigil.FlowAccountID, vigil.FlowRegion, vigil.FlowAZID, vigil.FlowVPCID, vigil.FlowSubnetID,
	vigil.FlowInstanceID, vigil.FlowInterfaceID, vigil.FlowType, vigil.FlowSrcAddr, vigil.FlowDstAddr,
	vigil.FlowSrcPort, vigil.FlowDstPort, vigil.FlowPktSrcAddr, vigil.FlowPktDstAddr, vigil.FlowProtocol,
	vigil.FlowPackets, vigil.FlowBytes, vigil.FlowStart, vigil.FlowEnd, vigil.FlowAction, vigil.FlowTCPFlags,
	vigil.FlowLogStatus, vigil.FlowFlowDirection, vigil.FlowTrafficPath, vigil.FlowPktSrcAWSService,
	vigil.FlowPktDstAWSService, vigil.FlowSublocationType, vigil.FlowSublocationID,
}

// v2Format is AWS's default format.
var v2Format = []vigil.FlowField{
	vigil.FlowVersion, vigil.FlowAccountID, vigil.FlowInterfaceID, vigil.FlowSrcAddr, vigil.FlowDstAddr,
	vigil.FlowSrcPort, vigil.FlowDstPort, vigil.FlowProtocol, vigil.FlowPackets, vigil.FlowBytes,
	vigil.FlowStart, vigil.FlowEnd, vigil.FlowAction, vigil.FlowLogStatus,
}

// hostRole is what an instance does in its VPC.
type hostRole uint8

const (
	roleWeb     hostRole = iota // public, 443 and 80 from anywhere
	roleBastion                 // public, SSH from the offices
	roleWindows                 // public, RDP from the offices
	roleApp                     // private, 8080 from the web tier
	roleDB                      // private, PostgreSQL
	roleCache                   // private, Redis
	roleSearch                  // private, OpenSearch
	roleDNS                     // private, the VPC's own DNS server (Active Directory)
	roleBatch                   // private, jobs
	numRoles
)

// hostPlan lists the instances of every VPC, in order. The first six take
// the instance ids CloudTrail's records use (account.regions[].instances).
var hostPlan = []hostRole{
	roleWeb, roleWeb, roleBastion, roleApp, roleApp, roleDB,
	roleWindows, roleApp, roleApp, roleDB, roleCache, roleSearch, roleDNS, roleBatch,
}

// flowHost is one instance and its network interface.
type flowHost struct {
	role     hostRole
	instance string
	eni      string
	ip       string // private IPv4: what flow logs record, also for traffic through the internet gateway
	ip6      string // "" when the instance has no IPv6 address
	public   bool   // has a public IPv4 address behind the internet gateway
	subnet   string
	az       string
}

// flowPair is a client and a server that talk inside the VPC.
type flowPair struct {
	client, server *flowHost
	port           int32
	proto          uint8
}

// flowPeer is an address outside the VPC the instances call, with the
// AWS service it belongs to ("" for other networks).
type flowPeer struct {
	ip  string
	svc uint8
}

// AWS services named in pkt-src-aws-service and pkt-dst-aws-service.
const (
	svcNone uint8 = iota
	svcS3
	svcDynamoDB
	svcAmazon
	svcEC2
)

var svcNames = [...]string{"", "S3", "DYNAMODB", "AMAZON", "EC2"}

// flowNet is one account's VPC in one region as its flow log sees it. It
// is built once per Generate and only read afterwards.
type flowNet struct {
	ai, ri   int
	account  string
	region   string
	vpc      string
	flowLog  string // fl-...
	version  int64  // the version field: 2 for the default format, 5 for the custom one
	format   []vigil.FlowField
	header   []byte // header line, newline included
	hosts    []*flowHost
	byRole   [numRoles][]*flowHost
	public   []*flowHost // hosts reachable from the internet
	pairs    []flowPair  // weighted: a pair appears as often as it talks
	services []flowPeer  // AWS endpoints and SaaS the private hosts call on 443
	offices  []string    // the account's office addresses (admins' SSH and RDP)
}

// newFlowNet builds account ai's VPC in region ri from its own stream, so
// that the network does not depend on other accounts or regions.
func newFlowNet(o *org, ai, ri int) *flowNet {
	a := o.accounts[ai]
	region := o.o.Regions[ri]
	rg := &a.regions[ri]
	r := newRand(o.o.Seed, streamFlowNet, uint64(ai), strHash(region))
	n := &flowNet{ai: ai, ri: ri, account: a.id, region: region, vpc: rg.vpcs[0], offices: a.officeIPs}
	n.flowLog = "fl-0" + randHex(r, 16)
	// Odd accounts log a custom version 5 format, even ones the default.
	n.format, n.version = v2Format, 2
	if ai%2 == 1 {
		n.format, n.version = v5Format, 5
	}
	var h strings.Builder
	for i, f := range n.format {
		if i > 0 {
			h.WriteByte(' ')
		}
		h.WriteString(vigil.FlowFieldNames[f])
	}
	h.WriteByte('\n')
	n.header = []byte(h.String())

	// Two AZs, a public and a private subnet in each; 10.<net>.0.0/16 and
	// an Amazon-provided IPv6 /56.
	prefix := azPrefix(region)
	az1 := 1 + r.IntN(2) // every region has az1 to az3
	azs := [2]string{prefix + "-az" + strconv.Itoa(az1), prefix + "-az" + strconv.Itoa(az1+1)}
	net := strconv.Itoa(r.IntN(256))
	v6 := "2600:1f" + strconv.FormatUint(uint64(0x10+r.IntN(16)), 16) + ":" + strconv.FormatUint(uint64(0x1000+r.IntN(0xf000)), 16) +
		":" + strconv.FormatUint(uint64(0x10+r.IntN(0xf0)), 16)
	used := map[string]bool{}
	for i, role := range hostPlan {
		h := &flowHost{role: role, eni: "eni-0" + randHex(r, 16)}
		if i < len(rg.instances) {
			h.instance = rg.instances[i]
		} else {
			h.instance = "i-0" + randHex(r, 16)
		}
		side := i % 2
		h.az = azs[side]
		h.public = role == roleWeb || role == roleBastion || role == roleWindows
		third := side
		if h.public {
			h.subnet = rg.subnets[side]
		} else {
			h.subnet = rg.subnets[2+side]
			third = 10 + side
		}
		for {
			h.ip = "10." + net + "." + strconv.Itoa(third) + "." + strconv.Itoa(4+r.IntN(250))
			if !used[h.ip] {
				used[h.ip] = true
				break
			}
		}
		if role == roleWeb || role == roleBastion {
			h.ip6 = v6 + strconv.Itoa(side) + ":" + strconv.FormatUint(r.Uint64N(0x10000), 16) + ":" +
				strconv.FormatUint(r.Uint64N(0x10000), 16) + ":" + strconv.FormatUint(r.Uint64N(0x10000), 16) + ":" +
				strconv.FormatUint(1+r.Uint64N(0xffff), 16)
		}
		n.hosts = append(n.hosts, h)
		n.byRole[role] = append(n.byRole[role], h)
		if h.public {
			n.public = append(n.public, h)
		}
	}

	// Who talks to whom inside the VPC, and how often.
	for _, e := range []struct {
		client, server hostRole
		port           int32
		proto          uint8
		weight         int
	}{
		{roleWeb, roleApp, 8080, 6, 6},
		{roleApp, roleDB, 5432, 6, 5},
		{roleApp, roleCache, 6379, 6, 5},
		{roleApp, roleSearch, 9200, 6, 2},
		{roleBatch, roleDB, 5432, 6, 2},
		{roleBatch, roleSearch, 9200, 6, 1},
		{roleApp, roleDNS, 53, 17, 2},
		{roleWeb, roleDNS, 53, 17, 1},
		{roleBatch, roleDNS, 53, 17, 1},
		{roleWindows, roleDNS, 53, 17, 1},
		{roleBastion, roleApp, 22, 6, 1},
		{roleWindows, roleDNS, 445, 6, 1},
	} {
		for _, c := range n.byRole[e.client] {
			for _, s := range n.byRole[e.server] {
				for range e.weight {
					n.pairs = append(n.pairs, flowPair{client: c, server: s, port: e.port, proto: e.proto})
				}
			}
		}
	}

	// Endpoints: S3 and DynamoDB, other AWS services, and SaaS (GitHub,
	// a CDN, a monitoring vendor).
	for _, s := range []struct {
		first string
		svc   uint8
		n     int
	}{
		{"52.216.", svcS3, 6}, {"3.5.", svcS3, 4}, {"52.94.", svcDynamoDB, 3}, {"54.239.", svcAmazon, 4},
		{"3.218.", svcEC2, 2}, {"140.82.", svcNone, 2}, {"151.101.", svcNone, 3}, {"104.16.", svcNone, 2},
		{"34.120.", svcNone, 2},
	} {
		for range s.n {
			n.services = append(n.services, flowPeer{ip: s.first + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(1+r.IntN(254)), svc: s.svc})
		}
	}
	return n
}

// azPrefix returns the prefix of a region's AZ ids: us-east-1 -> use1,
// ap-southeast-2 -> apse2, eu-central-1 -> euc1.
func azPrefix(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) < 2 {
		return region
	}
	b := parts[0]
	for _, p := range parts[1 : len(parts)-1] {
		switch p {
		case "northeast", "southeast", "northwest", "southwest":
			b += p[:1] + p[5:6]
		case "":
		default:
			b += p[:1]
		}
	}
	return b + parts[len(parts)-1]
}

// publicOctets are first octets of public IPv4 space that clients and
// scanners come from (none private, reserved or multicast).
var publicOctets = []int{
	2, 5, 8, 14, 23, 24, 27, 31, 36, 37, 39, 41, 42, 45, 46, 49, 58, 59, 61, 62, 66, 67, 68, 71, 73, 76,
	77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 101, 103, 106, 109, 110,
	111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 128, 138, 139, 141, 143,
	146, 151, 157, 159, 162, 164, 165, 167, 170, 171, 175, 176, 177, 178, 179, 180, 181, 182, 183, 185,
	186, 187, 188, 189, 190, 191, 193, 194, 195, 196, 197, 200, 201, 202, 203, 210, 211, 212, 213, 217,
	218, 219, 220, 221, 222, 223,
}
