package synth

import (
	"cmp"
	"slices"
	"time"
)

// VPC Flow Logs. With Options.FlowLogs, every account logs its VPC in each
// region to the same bucket, in the S3 delivery layout (see
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html):
//
//	AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/<account>_vpcflowlogs_<region>_<flow-log-id>_<YYYYMMDDTHHmmZ>_<8 hex>.log.gz
//
// One file per 10-minute delivery window with traffic (several when the
// window is busy), its name's time the window's start; each file starts
// with the header line naming its fields. Even accounts use the default
// (version 2) format, odd ones a version 5 custom format listing every
// version 3 to 5 field in an order of their own (v5Format). Records are
// what the instances' interfaces see: the private address for traffic
// through the internet gateway, both directions of each flow on each
// interface it crosses, '-' for fields that do not apply.
//
// Routine traffic, about Options.FlowRecordsPerDay records per account,
// region and day (±10%): the web tier calling the app tier on 8080, the app
// tier calling PostgreSQL (5432), Redis (6379) and OpenSearch (9200), DNS to
// the VPC's own DNS server (never to a public resolver), HTTPS to AWS
// endpoints and SaaS, NTP; HTTPS clients from the internet on the web
// servers, some over IPv6; internet background noise on the public
// instances: many scanner addresses, one to three probes each, mostly
// REJECT; the offices' SSH to the bastion and RDP to the Windows jump host
// (ACCEPT); ICMP; NODATA and SKIPDATA records. Planned patterns
// (FlowPlan) come on top.

// Kinds of planned flow-log patterns. Routine traffic never produces them:
// its scanners send at most three probes, no public address outside the
// offices reaches port 22 or 3389 with ACCEPT, nothing calls port 4444 or a
// public DNS resolver, and no routine record carries more than 64 MiB.
const (
	KindPortScan      Kind = "flow_port_scan"       // one address probes 300 to 1,000 distinct TCP ports of one public instance within 1 to 4 minutes; REJECT, except ACCEPT on the web servers' 80 and 443
	KindSSHBruteForce Kind = "flow_ssh_brute_force" // one address opens 150 to 400 short ACCEPTed connections to the bastion's port 22, then one long session
	KindRDPProbe      Kind = "flow_rdp_probe"       // one address makes 40 to 120 REJECTed connection attempts to the Windows host's port 3389
	KindC2Beacon      Kind = "flow_c2_beacon"       // the compromised bastion calls one address on TCP 4444 about every minute, 60 to 90 times
	KindUnusualDNS    Kind = "flow_unusual_dns"     // the compromised bastion sends 150 to 300 DNS queries (UDP 53) to a public resolver
	KindExfiltration  Kind = "flow_exfiltration"    // the compromised bastion sends about 2 to 7 GiB to one address on 443 in 30 to 50 minutes, one record per minute and direction
	KindS3Backup      Kind = "flow_s3_backup"       // benign look-alike: a database sends about 1 to 4 GiB to S3 on 443 between 01:00 and 03:00 (traffic-path 7, pkt-dst-aws-service S3 in the custom format)
)

// FlowIncident is one planned flow-log pattern: what a detection over the
// generated flow logs should find (or, for KindS3Backup, not report).
type FlowIncident struct {
	Kind    Kind
	Account string
	Region  string
	Start   time.Time // start of the first record
	End     time.Time // end of the last record
	// SrcAddr initiated the flows: the outside address for inbound
	// patterns, the instance's private address for outbound ones.
	SrcAddr string
	// DstAddr is the other side: the instance's private address for
	// inbound patterns (flow logs record the private address for traffic
	// through the internet gateway), the outside address for outbound ones.
	DstAddr     string
	InterfaceID string // the instance's network interface, which logs every record
	InstanceID  string
	Protocol    int    // 6 TCP, 17 UDP
	DstPort     int    // 0 for a port scan
	Ports       int    // distinct destination ports of the initiating records
	Connections int    // initiating records (SrcAddr to DstAddr)
	Records     int    // all records written for it, both directions
	Bytes       int64  // bytes of all its records
	Action      string // of the initiating records: ACCEPT or REJECT (a scan's probes of open ports are ACCEPT)
	Attack      bool   // part of the attack story: it follows the CloudTrail attack (Plan) in the same account, region and day, from its address
}

// FlowPlan returns every planned flow-log pattern Generate writes for o
// when o.FlowLogs is set, sorted by start time, then account, region and
// kind. It writes nothing.
func FlowPlan(o Options) ([]FlowIncident, error) {
	g, err := newOrg(o)
	if err != nil {
		return nil, err
	}
	fo := newFlowOrg(g)
	out := make([]FlowIncident, len(fo.plan))
	for i, fp := range fo.plan {
		out[i] = fp.FlowIncident
	}
	slices.SortStableFunc(out, func(a, b FlowIncident) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Account, b.Account),
			cmp.Compare(a.Region, b.Region), cmp.Compare(a.Kind, b.Kind))
	})
	return out, nil
}

// flowOrg is everything the flow-log units of one Generate call share,
// read-only.
type flowOrg struct {
	g        *org
	nets     [][]*flowNet // [account][region]
	plan     []*flowPlanned
	byUnit   [][]*flowPlanned
	reserved map[string]bool // planned outside addresses, kept out of routine traffic
}

func newFlowOrg(g *org) *flowOrg {
	fo := &flowOrg{g: g, reserved: map[string]bool{}}
	fo.nets = make([][]*flowNet, len(g.accounts))
	for ai := range g.accounts {
		fo.nets[ai] = make([]*flowNet, len(g.o.Regions))
		for ri := range g.o.Regions {
			fo.nets[ai][ri] = newFlowNet(g, ai, ri)
		}
	}
	fo.makePlan()
	return fo
}
