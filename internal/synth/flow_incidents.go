package synth

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// flowPlanned is a FlowIncident plus what the generator needs to write it.
// build emits its records from a stream of its own, so that FlowPlan (which
// counts them) and Generate (which writes them) see the same records.
type flowPlanned struct {
	FlowIncident
	ai, ri, di int
	sec        int // start, second of the day
	net        *flowNet
	host       *flowHost // the instance whose interface logs the records
	peer       string    // the outside address
	build      func(fp *flowPlanned, r *rand.Rand, emit func(*flowLine))
	label      bool     // a labelled scenario's: count fills keys
	keys       []string // the flow keys of its records (see flowKey)
}

// rand returns the pattern's own stream.
func (fp *flowPlanned) rand(seed int64) *rand.Rand {
	return newRand(seed, streamFlowInc, uint64(fp.ai), strHash(fp.Region), uint64(fp.di), uint64(fp.sec), strHash(string(fp.Kind)))
}

// expand emits the pattern's records.
func (fp *flowPlanned) expand(seed int64, emit func(*flowLine)) {
	fp.build(fp, fp.rand(seed), emit)
}

// add plans one pattern on host at (ri, di, sec) with peer as the outside
// address; inbound patterns start at peer, outbound ones at the host.
func (fo *flowOrg) add(kind Kind, ai, ri, di, sec int, host *flowHost, peer string, inbound bool, proto, port int,
	build func(*flowPlanned, *rand.Rand, func(*flowLine))) *flowPlanned {
	n := fo.nets[ai][ri]
	fp := &flowPlanned{ai: ai, ri: ri, di: di, sec: sec, net: n, host: host, peer: peer, build: build}
	fp.Kind, fp.Account, fp.Region = kind, n.account, n.region
	fp.InterfaceID, fp.InstanceID = host.eni, host.instance
	fp.Protocol, fp.DstPort = proto, port
	fp.SrcAddr, fp.DstAddr = host.ip, peer
	if inbound {
		fp.SrcAddr, fp.DstAddr = peer, host.ip
	}
	fo.reserved[peer] = true
	fo.plan = append(fo.plan, fp)
	return fp
}

// outsideIP returns a new address from first, never one planned before.
func (fo *flowOrg) outsideIP(r *rand.Rand, first []int) string {
	for {
		ip := randIPv4(r, first)
		if !fo.reserved[ip] {
			return ip
		}
	}
}

func (fo *flowOrg) makePlan() {
	g := fo.g
	// The CloudTrail attacker's address is the SSH brute-forcer's: keep it
	// out of routine traffic, as every planned address.
	var opened *planned
	for _, pl := range g.plan {
		if pl.Attack {
			fo.reserved[pl.SourceIP] = true
			if pl.Kind == KindSecurityGroupOpen {
				opened = pl
			}
		}
	}
	for ai := range g.accounts {
		if g.o.Scenarios != ScenariosPlanned {
			break
		}
		r := newRand(g.o.Seed, streamFlowPlan, uint64(ai))
		region := func() int { return r.IntN(len(g.o.Regions)) }
		day := func() int { return r.IntN(g.o.Days) }

		// Internet scanners: a port scan of a public instance and RDP
		// probing of the Windows host, at any hour.
		ri := region()
		n := fo.nets[ai][ri]
		fo.add(KindPortScan, ai, ri, day(), r.IntN(86400-1800), pick(r, n.public), fo.outsideIP(r, attackerOctets), true, 6, 0, buildPortScan)
		ri = region()
		n = fo.nets[ai][ri]
		fo.add(KindRDPProbe, ai, ri, day(), r.IntN(86400-1800), n.byRole[roleWindows][0], fo.outsideIP(r, attackerOctets), true, 6, 3389, buildRDPProbe)

		// A nightly database backup to S3: big, but to an AWS service.
		ri = region()
		n = fo.nets[ai][ri]
		s3 := ""
		for s3 == "" || fo.reserved[s3] || slices.ContainsFunc(n.services, func(p flowPeer) bool { return p.ip == s3 }) {
			s3 = "52.216." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(1+r.IntN(254))
		}
		fo.add(KindS3Backup, ai, ri, day(), 3600+r.IntN(5400), n.byRole[roleDB][0], s3, false, 6, 443, buildS3Backup)
	}
	if opened != nil {
		fo.planAttack(opened)
	}
	if g.o.Scenarios != ScenariosPlanned {
		fo.planFlowNoise()
	}
	if g.o.Scenarios == ScenariosLabelled {
		fo.planFlowScenarios()
	}
	for _, fp := range fo.plan {
		fo.count(fp)
	}
	slices.SortStableFunc(fo.plan, func(a, b *flowPlanned) int {
		return cmp.Compare(g.unitIndex(a.ai, a.ri, a.di), g.unitIndex(b.ai, b.ri, b.di))
	})
	fo.byUnit = make([][]*flowPlanned, g.units())
	for _, fp := range fo.plan {
		u := g.unitIndex(fp.ai, fp.ri, fp.di)
		fo.byUnit[u] = append(fo.byUnit[u], fp)
	}
}

// planAttack continues the CloudTrail attack story on the network: once
// the attacker has opened SSH to the world (opened), they brute-force the
// bastion from the same address, then run a reverse shell to a C2 server
// on port 4444, tunnel DNS through a resolver of their own and send
// gigabytes out.
func (fo *flowOrg) planAttack(opened *planned) {
	g := fo.g
	r := newRand(g.o.Seed, streamFlowPlan, 1<<32)
	ai, ri, di := opened.ai, opened.ri, opened.di
	bastion := fo.nets[ai][ri].byRole[roleBastion][0]
	t := opened.sec + 120 + r.IntN(120)
	ssh := fo.add(KindSSHBruteForce, ai, ri, di, t, bastion, opened.SourceIP, true, 6, 22, buildSSHBruteForce)
	fo.count(ssh)
	t = ssh.sec + int(ssh.End.Sub(ssh.Start)/time.Second)
	for _, s := range []struct {
		kind   Kind
		after  int
		proto  int
		port   int
		octets []int
		build  func(*flowPlanned, *rand.Rand, func(*flowLine))
	}{
		{KindC2Beacon, 240, 6, 4444, attackerOctets, buildC2Beacon},
		{KindUnusualDNS, 600, 17, 53, attackerOctets, buildUnusualDNS},
		{KindExfiltration, 1500, 6, 443, awsOctets, buildExfiltration},
	} {
		fo.add(s.kind, ai, ri, di, t+s.after+r.IntN(60), bastion, fo.outsideIP(r, s.octets), false, s.proto, s.port, s.build).Attack = true
	}
	ssh.Attack = true
}

// count expands fp once to fill in its totals.
func (fo *flowOrg) count(fp *flowPlanned) {
	ports := map[int32]bool{}
	end := 0
	fp.Records, fp.Connections, fp.Bytes, fp.Action, fp.keys = 0, 0, 0, "", nil
	day := fo.g.start.AddDate(0, 0, fp.di)
	fp.expand(fo.g.o.Seed, func(l *flowLine) {
		if fp.label {
			fp.keys = append(fp.keys, flowKey(l, day.Unix()))
		}
		fp.Records++
		fp.Bytes += l.bytes
		end = max(end, int(l.sec+l.dur))
		if l.src == fp.SrcAddr {
			fp.Connections++
			ports[l.dport] = true
			if fp.Action == "" || l.action == actReject {
				fp.Action = actionNames[l.action]
			}
		}
	})
	fp.Ports = len(ports)
	fp.Start = day.Add(time.Duration(fp.sec) * time.Second)
	fp.End = day.Add(time.Duration(end) * time.Second)
}

// Ports a scan tries first, as nmap's top ports do.
var scanTopPorts = []int32{
	21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1723, 3306, 3389, 5432,
	5900, 6379, 8080, 8443, 8888, 9200, 27017, 11211, 2375, 5985, 7001, 9000, 10000, 1521, 2049, 389,
}

func buildPortScan(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	h := fp.host
	n := 300 + r.IntN(701)
	seen := make(map[int32]bool, n)
	ports := make([]int32, 0, n)
	for _, p := range scanTopPorts {
		seen[p] = true
		ports = append(ports, p)
	}
	for len(ports) < n {
		p := int32(1 + r.IntN(65535))
		if r.IntN(2) == 0 {
			p = int32(1 + r.IntN(10000))
		}
		if !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	r.Shuffle(len(ports), func(i, j int) { ports[i], ports[j] = ports[j], ports[i] })
	span := 60 + r.IntN(181)
	sport := int32(32768 + r.IntN(28000))
	for i, p := range ports {
		l := flowLine{host: h, src: fp.peer, dst: h.ip, sec: int32(fp.sec + i*span/n), dur: int32(1 + r.IntN(4)),
			sport: sport, dport: p, proto: 6, packets: 1, bytes: 44, action: actReject, flags: 2}
		open := h.role == roleWeb && (p == 80 || p == 443)
		if open {
			l.action, l.packets, l.bytes, l.flags = actAccept, 2, 84, 6
		}
		emit(&l)
		if open {
			emit(&flowLine{host: h, src: h.ip, dst: fp.peer, sec: l.sec, dur: l.dur, sport: p, dport: sport, proto: 6,
				packets: 1, bytes: 44, action: actAccept, flags: 18, egress: true, path: 8})
		}
	}
}

func buildSSHBruteForce(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	h := fp.host
	n := 150 + r.IntN(251)
	t := fp.sec
	for i := range n {
		d := 2 + r.IntN(5)
		in := flowLine{host: h, src: fp.peer, dst: h.ip, sec: int32(t), dur: int32(d), sport: ephemeral(r), dport: 22, proto: 6,
			packets: int64(12 + r.IntN(14)), bytes: int64(2400 + r.IntN(2800)), action: actAccept, flags: 3}
		out := flowLine{host: h, src: h.ip, dst: fp.peer, sec: in.sec, dur: in.dur, sport: 22, dport: in.sport, proto: 6,
			packets: int64(10 + r.IntN(12)), bytes: int64(2800 + r.IntN(2000)), action: actAccept, flags: 19, egress: true, path: 8}
		if i == n-1 {
			// The password that worked: an interactive session.
			in.dur = int32(300 + r.IntN(240))
			out.dur = in.dur
			in.packets, in.bytes, in.flags = int64(900+r.IntN(600)), int64(90_000+r.IntN(60_000)), 3
			out.packets, out.bytes = int64(1100+r.IntN(700)), int64(400_000+r.IntN(300_000))
		}
		emit(&in)
		emit(&out)
		t += 3 + r.IntN(6)
	}
}

func buildRDPProbe(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	h := fp.host
	n := 40 + r.IntN(81)
	t := fp.sec
	for range n {
		p := int64(1 + r.IntN(3))
		emit(&flowLine{host: h, src: fp.peer, dst: h.ip, sec: int32(t), dur: int32(1 + r.IntN(10)), sport: int32(49152 + r.IntN(16384)),
			dport: 3389, proto: 6, packets: p, bytes: 52 * p, action: actReject, flags: 2})
		t += 2 + r.IntN(11)
	}
}

func buildC2Beacon(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	h := fp.host
	n := 60 + r.IntN(31)
	t := fp.sec
	for range n {
		out := flowLine{host: h, src: h.ip, dst: fp.peer, sec: int32(t), dur: int32(1 + r.IntN(3)), sport: ephemeral(r), dport: 4444, proto: 6,
			packets: int64(5 + r.IntN(5)), bytes: int64(400 + r.IntN(1000)), action: actAccept, flags: 3, egress: true, path: 8}
		emit(&out)
		emit(&flowLine{host: h, src: fp.peer, dst: h.ip, sec: out.sec, dur: out.dur, sport: 4444, dport: out.sport, proto: 6,
			packets: int64(4 + r.IntN(4)), bytes: int64(300 + r.IntN(600)), action: actAccept, flags: 19})
		t += 55 + r.IntN(11)
	}
}

func buildUnusualDNS(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	h := fp.host
	n := 150 + r.IntN(151)
	t := fp.sec
	for range n {
		out := flowLine{host: h, src: h.ip, dst: fp.peer, sec: int32(t), dur: int32(1 + r.IntN(2)), sport: ephemeral(r), dport: 53, proto: 17,
			packets: 1, bytes: int64(90 + r.IntN(170)), action: actAccept, egress: true, path: 8}
		emit(&out)
		emit(&flowLine{host: h, src: fp.peer, dst: h.ip, sec: out.sec, dur: out.dur, sport: 53, dport: out.sport, proto: 17,
			packets: 1, bytes: int64(150 + r.IntN(370)), action: actAccept})
		t += 3 + r.IntN(10)
	}
}

func buildExfiltration(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	bulk(fp, r, emit, 2+r.IntN(6), 30+r.IntN(21), 8, svcNone)
}

func buildS3Backup(fp *flowPlanned, r *rand.Rand, emit func(*flowLine)) {
	bulk(fp, r, emit, 1+r.IntN(4), 15+r.IntN(16), 7, svcS3)
}

// bulk writes one long upload of about gib GiB from the host to the peer
// on 443, one record per direction and minute.
func bulk(fp *flowPlanned, r *rand.Rand, emit func(*flowLine), gib, minutes int, path int8, svc uint8) {
	h := fp.host
	total := int64(gib)<<30 + r.Int64N(1<<29)
	sport := ephemeral(r)
	for m := range minutes {
		b := total / int64(minutes) * int64(80+r.IntN(41)) / 100
		flags, ack := int16(0), int16(0)
		switch m {
		case 0:
			flags, ack = 2, 18
		case minutes - 1:
			flags, ack = 1, 1
		}
		pk := b/1448 + 1
		sec := int32(fp.sec + 60*m)
		emit(&flowLine{host: h, src: h.ip, dst: fp.peer, sec: sec, dur: 59, sport: sport, dport: 443, proto: 6,
			packets: pk, bytes: b, action: actAccept, flags: flags, egress: true, path: path, dstSvc: svc})
		emit(&flowLine{host: h, src: fp.peer, dst: h.ip, sec: sec, dur: 59, sport: 443, dport: sport, proto: 6,
			packets: pk / 2, bytes: pk / 2 * 52, action: actAccept, flags: ack, srcSvc: svc})
	}
}

// ephemeral returns a Linux ephemeral port.
func ephemeral(r *rand.Rand) int32 { return int32(32768 + r.IntN(28232)) }
