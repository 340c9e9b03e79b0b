package synth

// Ports internet scanners probe most, as honeypots see them; the rest of
// their probes go to random ports.
var noisePorts = []int32{
	22, 22, 22, 23, 23, 445, 445, 3389, 3389, 80, 443, 8080, 8080, 5900, 1433, 3306, 6379, 2375, 8443,
	81, 8888, 7547, 5555, 37215, 52869, 60001, 9200, 11211, 25, 110, 21, 135, 139, 5060, 6443, 10250,
	27017, 9000, 8000, 8081, 2222, 4567, 5985,
}

// noiseUDPPorts are the UDP services scanners try.
var noiseUDPPorts = []int32{53, 123, 161, 1900, 5060, 11211, 19, 137, 500}

// conversation writes one routine exchange starting at sec: one to four
// records, both directions on each interface the flow crosses.
func (g *flowGen) conversation(sec int32) {
	switch x := g.r.IntN(1000); {
	case x < 420:
		g.internal(sec)
	case x < 580:
		g.egress(sec)
	case x < 770:
		g.webClient(sec)
	case x < 910:
		g.noise(sec)
	case x < 935:
		g.admin(sec)
	case x < 965:
		g.icmp(sec)
	default:
		g.noData(sec)
	}
}

// volume returns a record's packets and bytes: mostly small, with a long
// tail, never over 64 MiB.
func (g *flowGen) volume(scale float64, minSize, spread int) (int64, int64) {
	p := 1 + int64(g.r.ExpFloat64()*scale)
	if g.r.IntN(100) == 0 {
		p *= 40
	}
	p = min(p, 45_000)
	return p, p * int64(minSize+g.r.IntN(spread))
}

// tcpFlags returns the flags of a flow's two records: a whole short
// connection (SYN and FIN; SYN-ACK and FIN) or the middle of a long one.
func (g *flowGen) tcpFlags(proto uint8, midProb int) (int16, int16) {
	switch {
	case proto != 6:
		return 0, 0
	case g.r.IntN(100) < midProb:
		return 0, 0
	}
	return 3, 19
}

// internal: one client and server of the VPC; both interfaces log both directions.
func (g *flowGen) internal(sec int32) {
	p := &g.n.pairs[g.r.IntN(len(g.n.pairs))]
	c, s := p.client, p.server
	sport := ephemeral(g.r)
	dur := int32(1 + g.r.IntN(59))
	cf, sf := g.tcpFlags(p.proto, 30)
	reqP, reqB := g.volume(12, 60, 600)
	respP, respB := g.volume(30, 200, 1250)
	if p.proto == 17 {
		reqP, reqB = 1, int64(60+g.r.IntN(60))
		respP, respB = 1, int64(100+g.r.IntN(300))
	}
	req := flowLine{host: c, src: c.ip, dst: s.ip, sec: sec, dur: dur, sport: sport, dport: p.port, proto: p.proto,
		packets: reqP, bytes: reqB, action: actAccept, flags: cf, egress: true, path: 1}
	resp := flowLine{host: c, src: s.ip, dst: c.ip, sec: sec, dur: dur, sport: p.port, dport: sport, proto: p.proto,
		packets: respP, bytes: respB, action: actAccept, flags: sf}
	g.lines = append(g.lines, req, resp)
	req.host, req.egress, req.path = s, false, 0
	resp.host, resp.egress, resp.path = s, true, 1
	g.lines = append(g.lines, req, resp)
}

// egress: an instance calls an AWS endpoint or a SaaS on 443, or NTP.
func (g *flowGen) egress(sec int32) {
	n := g.n
	h := n.hosts[g.r.IntN(len(n.hosts))]
	peer := n.services[g.r.IntN(len(n.services))]
	port, proto := int32(443), uint8(6)
	if g.r.IntN(10) == 0 {
		peer, port, proto = flowPeer{ip: g.ntp[g.r.IntN(len(g.ntp))]}, 123, 17
	}
	path := int8(1) // through the NAT gateway
	switch {
	case h.public:
		path = 8
	case peer.svc == svcS3 && g.r.IntN(2) == 0:
		path = 7 // the S3 gateway endpoint
	}
	sport := ephemeral(g.r)
	dur := int32(1 + g.r.IntN(59))
	cf, sf := g.tcpFlags(proto, 40)
	reqP, reqB := g.volume(10, 60, 900)
	respP, respB := g.volume(40, 300, 1150)
	if proto == 17 {
		reqP, reqB, respP, respB = 1, 76, 1, 76
	}
	g.lines = append(g.lines,
		flowLine{host: h, src: h.ip, dst: peer.ip, sec: sec, dur: dur, sport: sport, dport: port, proto: proto,
			packets: reqP, bytes: reqB, action: actAccept, flags: cf, egress: true, path: path, dstSvc: peer.svc},
		flowLine{host: h, src: peer.ip, dst: h.ip, sec: sec, dur: dur, sport: port, dport: sport, proto: proto,
			packets: respP, bytes: respB, action: actAccept, flags: sf, srcSvc: peer.svc})
}

// webClient: an internet client on a web server's 443 or 80.
func (g *flowGen) webClient(sec int32) {
	webs := g.n.byRole[roleWeb]
	h := webs[g.r.IntN(len(webs))]
	client, dst, v6 := g.clients[g.r.IntN(len(g.clients))], h.ip, false
	if h.ip6 != "" && g.r.IntN(100) < 6 {
		client, dst, v6 = g.clients6[g.r.IntN(len(g.clients6))], h.ip6, true
	}
	port := int32(443)
	if g.r.IntN(8) == 0 {
		port = 80
	}
	sport := ephemeral(g.r)
	dur := int32(1 + g.r.IntN(59))
	cf, sf := g.tcpFlags(6, 20)
	reqP, reqB := g.volume(8, 60, 700)
	respP, respB := g.volume(25, 400, 1050)
	g.lines = append(g.lines,
		flowLine{host: h, src: client, dst: dst, sec: sec, dur: dur, sport: sport, dport: port, proto: 6,
			packets: reqP, bytes: reqB, action: actAccept, flags: cf, v6: v6},
		flowLine{host: h, src: dst, dst: client, sec: sec, dur: dur, sport: port, dport: sport, proto: 6,
			packets: respP, bytes: respB, action: actAccept, flags: sf, egress: true, path: 8, v6: v6})
}

// noise: a scanner sends one to three probes to the public instances.
// Only the web servers' 80 and 443 answer.
func (g *flowGen) noise(sec int32) {
	n := g.n
	scanner, v6 := "", g.r.IntN(25) == 0
	if v6 {
		scanner = randIPv6(g.r)
	} else {
		scanner = g.outside()
	}
	sport := ephemeral(g.r)
	for range 1 + g.r.IntN(3) {
		h := n.public[g.r.IntN(len(n.public))]
		dst := h.ip
		if v6 {
			if h.ip6 == "" {
				continue
			}
			dst = h.ip6
		}
		proto, port := uint8(6), int32(1+g.r.IntN(65535))
		switch x := g.r.IntN(10); {
		case x == 0:
			proto, port = 17, noiseUDPPorts[g.r.IntN(len(noiseUDPPorts))]
		case x < 7:
			port = noisePorts[g.r.IntN(len(noisePorts))]
		}
		l := flowLine{host: h, src: scanner, dst: dst, sec: sec, dur: int32(1 + g.r.IntN(20)), sport: sport, dport: port, proto: proto,
			packets: 1, bytes: 40 + int64(g.r.IntN(3))*4, action: actReject, v6: v6}
		if proto == 6 {
			l.flags = 2
		} else {
			l.bytes = int64(28 + g.r.IntN(60))
		}
		if g.r.IntN(4) == 0 {
			l.packets, l.bytes = 2, 2*l.bytes
		}
		if h.role == roleWeb && proto == 6 && (port == 80 || port == 443) {
			l.action, l.flags = actAccept, 6
			g.lines = append(g.lines, l, flowLine{host: h, src: dst, dst: scanner, sec: sec, dur: l.dur, sport: port, dport: sport,
				proto: 6, packets: 1, bytes: 44, action: actAccept, flags: 18, egress: true, path: 8, v6: v6})
		} else {
			g.lines = append(g.lines, l)
		}
	}
}

// admin: someone at an office on the bastion (SSH) or the Windows jump
// host (RDP).
func (g *flowGen) admin(sec int32) {
	n := g.n
	h, port := n.byRole[roleBastion][0], int32(22)
	if g.r.IntN(3) == 0 {
		h, port = n.byRole[roleWindows][0], 3389
	}
	office := n.offices[g.r.IntN(len(n.offices))]
	sport := ephemeral(g.r)
	dur := int32(1 + g.r.IntN(59))
	cf, sf := g.tcpFlags(6, 70)
	reqP, reqB := g.volume(60, 60, 200)
	respP, respB := g.volume(120, 100, 1300)
	g.lines = append(g.lines,
		flowLine{host: h, src: office, dst: h.ip, sec: sec, dur: dur, sport: sport, dport: port, proto: 6,
			packets: reqP, bytes: reqB, action: actAccept, flags: cf},
		flowLine{host: h, src: h.ip, dst: office, sec: sec, dur: dur, sport: port, dport: sport, proto: 6,
			packets: respP, bytes: respB, action: actAccept, flags: sf, egress: true, path: 8})
}

// icmp: a ping from the internet (answered by the web servers only), or
// between instances.
func (g *flowGen) icmp(sec int32) {
	n := g.n
	p := int64(1 + g.r.IntN(4))
	dur := int32(1 + g.r.IntN(10))
	if g.r.IntN(2) == 0 {
		h := n.public[g.r.IntN(len(n.public))]
		src := g.outside()
		l := flowLine{host: h, src: src, dst: h.ip, sec: sec, dur: dur, proto: 1, packets: p, bytes: 84 * p, action: actReject}
		if h.role != roleWeb {
			g.lines = append(g.lines, l)
			return
		}
		l.action = actAccept
		g.lines = append(g.lines, l, flowLine{host: h, src: h.ip, dst: src, sec: sec, dur: dur, proto: 1, packets: p, bytes: 84 * p,
			action: actAccept, egress: true, path: 8})
		return
	}
	c, s := n.byRole[roleBastion][0], n.hosts[g.r.IntN(len(n.hosts))]
	if c == s {
		s = n.byRole[roleDB][0]
	}
	req := flowLine{host: c, src: c.ip, dst: s.ip, sec: sec, dur: dur, proto: 1, packets: p, bytes: 84 * p, action: actAccept, egress: true, path: 1}
	resp := flowLine{host: c, src: s.ip, dst: c.ip, sec: sec, dur: dur, proto: 1, packets: p, bytes: 84 * p, action: actAccept}
	g.lines = append(g.lines, req, resp)
	req.host, req.egress, req.path = s, false, 0
	resp.host, resp.egress, resp.path = s, true, 1
	g.lines = append(g.lines, req, resp)
}

// noData: an interface without traffic in its aggregation interval
// (NODATA), or whose records were dropped (SKIPDATA).
func (g *flowGen) noData(sec int32) {
	h := g.n.hosts[g.r.IntN(len(g.n.hosts))]
	st := stNoData
	if g.r.IntN(10) == 0 {
		st = stSkipData
	}
	g.lines = append(g.lines, flowLine{host: h, sec: sec, dur: int32(58 + g.r.IntN(3)), status: st})
}
