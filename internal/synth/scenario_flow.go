package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// flowScenario is a labelled attack in flow logs: a pattern on one host.
type flowScenario struct {
	name    string
	types   []string
	role    hostRole
	nth     int // which host of the role
	inbound bool
	proto   int
	port    int
	peer    string // address kind of the outside address: ipAttacker or ipThreat
	build   func(*flowPlanned, *rand.Rand, func(*flowLine))
}

// flowScenarios are the labelled flow-log attacks, at least one per
// finding type over flow logs. An instance that scans, sweeps or spams
// also talks on a remote port it never used, as GuardDuty would say too
// (and a scan of the usual ports reaches SMTP's 25: Spambot).
var flowScenarios = []flowScenario{
	{name: "inbound-port-scan", types: []string{"Recon:EC2/PortProbeUnprotectedPort"}, role: roleWeb, inbound: true, proto: 6, build: buildPortScan},
	{name: "ssh-brute-force", types: []string{"UnauthorizedAccess:EC2/SSHBruteForce"}, role: roleBastion, inbound: true, proto: 6, port: 22, build: buildSSHBruteForce},
	{name: "rdp-brute-force", types: []string{"UnauthorizedAccess:EC2/RDPBruteForce"}, role: roleWindows, inbound: true, proto: 6, port: 3389, build: buildRDPProbe},
	{name: "c2-reverse-shell", types: []string{"Behavior:EC2/NetworkPortUnusual"}, role: roleApp, proto: 6, port: 4444, build: buildC2Beacon},
	{name: "bulk-exfiltration", types: []string{"Behavior:EC2/TrafficVolumeUnusual"}, role: roleApp, nth: 1, proto: 6, port: 443, build: buildExfiltration},
	{name: "spam-relay", types: []string{"Backdoor:EC2/Spambot", "Behavior:EC2/NetworkPortUnusual"}, role: roleApp, nth: 2, proto: 6, port: 25, build: buildSpam},
	{name: "ssh-worm-sweep", types: []string{"Impact:EC2/PortSweep", "Behavior:EC2/NetworkPortUnusual"}, role: roleApp, nth: 3, proto: 6, port: 22, build: buildSweep},
	{name: "outbound-port-scan", types: []string{"Recon:EC2/Portscan", "Behavior:EC2/NetworkPortUnusual", "Backdoor:EC2/Spambot"}, role: roleBatch, proto: 6, build: buildOutboundScan},
	{name: "threat-list-contact", types: []string{"UnauthorizedAccess:EC2/MaliciousIPCaller.Custom"}, role: roleCache, proto: 6, port: 443, peer: ipThreat, build: buildThreatContact},
}

// planFlowScenarios plans the labelled flow-log attacks: round-robin over
// accounts and regions, after the learning period.
func (fo *flowOrg) planFlowScenarios() {
	g := fo.g
	r := newRand(g.o.Seed, streamFlowPlan, 2<<32)
	for i, sc := range flowScenarios {
		ai, ri := i%len(g.accounts), (i/len(g.accounts))%len(g.o.Regions)
		n := fo.nets[ai][ri]
		di := learnDays + i%(g.o.Days-learnDays)
		peer := fo.outsideIP(r, attackerOnlyOctets)
		if sc.peer == ipThreat {
			peer = "198.51.100." + strconv.Itoa(200+i)
			g.threats = appendNew(g.threats, peer)
		}
		fp := fo.add(KindScenario, ai, ri, di, 3600+(i*3851)%(18*3600), n.byRole[sc.role][sc.nth], peer, sc.inbound, sc.proto, sc.port, sc.build)
		fp.Attack, fp.label = true, true
		g.scenarios = append(g.scenarios, &scenarioRun{name: sc.name, types: sc.types, account: n.account, region: n.region, flows: []*flowPlanned{fp}})
	}
}

// planFlowNoise plans the benign network noise: in every account and
// region, a research scanner probing the public instances' ports all day
// long (never ten ports of one host within ten minutes), every instance's
// daily housekeeping (its clock synchronised over NTP, its agents checking
// in with AWS over HTTPS: whatever the volume of routine traffic, the
// ports an instance uses every day are used on its first day), and one
// nightly database backup to S3.
func (fo *flowOrg) planFlowNoise() {
	g := fo.g
	for ai := range g.accounts {
		r := newRand(g.o.Seed, streamFlowPlan, 3<<32, uint64(ai))
		for ri := range g.o.Regions {
			n := fo.nets[ai][ri]
			for di := range g.o.Days {
				for _, h := range n.public {
					fo.add(KindNoise, ai, ri, di, r.IntN(1800), h, fo.outsideIP(r, publicOctets), true, 6, 0, buildSlowScan)
				}
				for _, h := range n.hosts {
					fo.add(KindNoise, ai, ri, di, r.IntN(3600), h, fo.outsideIP(r, publicOctets), false, 17, 123, buildHousekeeping)
				}
			}
			s3 := ""
			for s3 == "" || fo.reserved[s3] || slicesHasPeer(n.services, s3) {
				s3 = "52.216." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(1+r.IntN(254))
			}
			fo.add(KindS3Backup, ai, ri, r.IntN(g.o.Days), 3600+r.IntN(5400), n.byRole[roleDB][0], s3, false, 6, 443, buildS3Backup)
		}
	}
}

func slicesHasPeer(ps []flowPeer, ip string) bool {
	for _, p := range ps {
		if p.ip == ip {
			return true
		}
	}
	return false
}

// flowKey is the detection engine's key of a flow-log record (see
// detect.FlowKey): interface|srcaddr|srcport|dstaddr|dstport|protocol|start.
func flowKey(l *flowLine, dayUnix int64) string {
	var b strings.Builder
	b.WriteString(l.host.eni)
	b.WriteByte('|')
	b.WriteString(l.src)
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(int(l.sport)))
	b.WriteByte('|')
	b.WriteString(l.dst)
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(int(l.dport)))
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(int(l.proto)))
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(dayUnix+int64(l.sec), 10))
	return b.String()
}

// buildSlowScan: an internet-wide research scanner probing 30 ports of one
// public instance over the day, one every 45 minutes; the web servers
// answer on 80 and 443.
func buildSlowScan(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	h := fp.host
	for i := range 30 {
		p := scanTopPorts[i%len(scanTopPorts)]
		l := flowLine{host: h, src: fp.peer, dst: h.ip, sec: int32(fp.sec + i*2700 + r.IntN(60)), dur: 1, sport: ephemeral(r), dport: p,
			proto: 6, packets: 1, bytes: 44, action: actReject, flags: 2}
		open := h.role == roleWeb && (p == 80 || p == 443)
		if open {
			l.action, l.packets, l.bytes, l.flags = actAccept, 2, 84, 6
		}
		emit(&l)
		if open {
			emit(&flowLine{host: h, src: h.ip, dst: fp.peer, sec: l.sec, dur: 1, sport: p, dport: l.sport, proto: 6,
				packets: 1, bytes: 44, action: actAccept, flags: 18, egress: true, path: 8})
		}
	}
}

// buildHousekeeping: an instance synchronises its clock with a public NTP
// server and its agents call an AWS endpoint on 443.
func buildHousekeeping(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	h := fp.host
	path := int8(1)
	if h.public {
		path = 8
	}
	sport := ephemeral(r)
	emit(&flowLine{host: h, src: h.ip, dst: fp.peer, sec: int32(fp.sec), dur: 1, sport: sport, dport: 123, proto: 17,
		packets: 1, bytes: 76, action: actAccept, egress: true, path: path})
	emit(&flowLine{host: h, src: fp.peer, dst: h.ip, sec: int32(fp.sec), dur: 1, sport: 123, dport: sport, proto: 17,
		packets: 1, bytes: 76, action: actAccept})
	svc := fp.net.services[r.IntN(len(fp.net.services))]
	sport = ephemeral(r)
	sec := int32(fp.sec + 5 + r.IntN(60))
	emit(&flowLine{host: h, src: h.ip, dst: svc.ip, sec: sec, dur: 2, sport: sport, dport: 443, proto: 6,
		packets: 12, bytes: 2400, action: actAccept, flags: 3, egress: true, path: path, dstSvc: svc.svc})
	emit(&flowLine{host: h, src: svc.ip, dst: h.ip, sec: sec, dur: 2, sport: 443, dport: sport, proto: 6,
		packets: 14, bytes: 9800, action: actAccept, flags: 19, srcSvc: svc.svc})
}

// outbound emits an outbound connection from the host and its answer.
func outbound(fp *flowPlanned, r *rand.Rand, emit func(*flowLine), peer string, port int32, sec int, answered bool) {
	h := fp.host
	out := flowLine{host: h, src: h.ip, dst: peer, sec: int32(sec), dur: int32(1 + r.IntN(3)), sport: ephemeral(r), dport: port, proto: 6,
		packets: int64(2 + r.IntN(4)), bytes: int64(120 + r.IntN(600)), action: actAccept, flags: 2, egress: true, path: 8}
	emit(&out)
	if answered {
		emit(&flowLine{host: h, src: peer, dst: h.ip, sec: out.sec, dur: out.dur, sport: port, dport: out.sport, proto: 6,
			packets: int64(2 + r.IntN(4)), bytes: int64(200 + r.IntN(900)), action: actAccept, flags: 18})
	}
}

// buildSpam: a compromised instance relays spam to 15 mail servers on 25.
func buildSpam(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	servers := []string{fp.peer}
	for len(servers) < 15 {
		servers = append(servers, randIPv4(r, publicOctets))
	}
	for i := range 60 {
		outbound(fp, r, emit, servers[i%len(servers)], 25, fp.sec+i*20, true)
	}
}

// buildSweep: a worm on the instance tries SSH on 120 public addresses in
// five minutes; a few answer.
func buildSweep(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	for i := range 120 {
		peer := fp.peer
		if i > 0 {
			peer = randIPv4(r, publicOctets)
		}
		outbound(fp, r, emit, peer, 22, fp.sec+i*300/120, r.IntN(10) == 0)
	}
}

// buildOutboundScan: the instance scans 60 ports of one public address in
// four minutes.
func buildOutboundScan(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	for i := range 60 {
		port := int32(1 + i)
		if i < len(scanTopPorts) {
			port = scanTopPorts[i]
		}
		outbound(fp, r, emit, fp.peer, port, fp.sec+i*4, port == 80 || port == 443 || port == 22)
	}
}

// buildThreatContact: the instance calls an address of the threat list on
// 443 a few times.
func buildThreatContact(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	for i := range 5 {
		outbound(fp, r, emit, fp.peer, 443, fp.sec+i*600+r.IntN(60), true)
	}
}
