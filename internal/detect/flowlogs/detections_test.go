package flowlogs

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/vigil"
)

const (
	t0       = 1_767_225_600 // 2026-01-01T00:00:00Z
	threatIP = "198.51.100.66"
	web      = "10.0.1.10"
	eni      = "eni-0a1b2c3d"
)

var part = vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2026-01-01"}

// flow returns a v2 record: srcaddr dstaddr srcport dstport protocol start bytes action.
func flow(src, dst string, sport, dport, proto, start, bytes int64, action string) vigil.FlowRecord {
	var r vigil.FlowRecord
	r.SetInt(vigil.FlowVersion, 2)
	r.SetStr(vigil.FlowAccountID, part.Account)
	r.SetStr(vigil.FlowInterfaceID, eni)
	r.SetStr(vigil.FlowSrcAddr, src)
	r.SetStr(vigil.FlowDstAddr, dst)
	r.SetInt(vigil.FlowSrcPort, sport)
	r.SetInt(vigil.FlowDstPort, dport)
	r.SetInt(vigil.FlowProtocol, proto)
	r.SetInt(vigil.FlowPackets, 1+bytes/1000)
	r.SetInt(vigil.FlowBytes, bytes)
	r.SetInt(vigil.FlowStart, start)
	r.SetInt(vigil.FlowEnd, start+5)
	r.SetStr(vigil.FlowAction, action)
	r.SetStr(vigil.FlowLogStatus, "OK")
	return r
}

// attempts returns n connections from src to dst:dport, every step seconds.
func attempts(n int, src, dst string, dport, start, step int64, action string) []vigil.FlowRecord {
	var out []vigil.FlowRecord
	for i := range int64(n) {
		out = append(out, flow(src, dst, 40000+i, dport, 6, start+i*step, 300, action))
	}
	return out
}

// probes returns connections from src to each port of dst, one a second;
// accepted ports are ACCEPTed.
func probes(src, dst string, ports []int64, start int64, accepted ...int64) []vigil.FlowRecord {
	var out []vigil.FlowRecord
	for i, p := range ports {
		action := "REJECT"
		if slices.Contains(accepted, p) {
			action = "ACCEPT"
		}
		out = append(out, flow(src, dst, 50000, p, 6, start+int64(i), 44, action))
	}
	return out
}

func portRange(lo, n int64) []int64 {
	var out []int64
	for p := lo; p < lo+n; p++ {
		out = append(out, p)
	}
	return out
}

// sweep returns outbound connections from the instance to dport on n public hosts.
func sweep(n int, dport int64) []vigil.FlowRecord {
	var out []vigil.FlowRecord
	for i := range n {
		out = append(out, flow(web, fmt.Sprintf("203.0.%d.%d", 113+i/200, 1+i%200), 45000, dport, 6, t0+int64(i)*5, 60, "REJECT"))
	}
	return out
}

func cat(parts ...[]vigil.FlowRecord) []vigil.FlowRecord { return slices.Concat(parts...) }

func testContext(t *testing.T) *detect.Context {
	t.Helper()
	l, err := geo.NewList("custom-threats", threatIP, "192.0.2.0/24")
	if err != nil {
		t.Fatal(err)
	}
	return &detect.Context{ThreatLists: []*geo.List{l}}
}

// run feeds records to d and returns its hits as resource|actor|severity.
func run(t *testing.T, d *detect.Detection, c *detect.Context, recs []vigil.FlowRecord) []string {
	t.Helper()
	var hits []detect.Hit
	if d.MatchFlow != nil {
		for i := range recs {
			if h := d.MatchFlow(&recs[i], c); h != nil {
				hits = append(hits, *h)
			}
		}
	} else {
		s := d.NewStateful()
		for i := range recs {
			if h := s.(detect.FlowObserver).ObserveFlow(&recs[i], part, c); len(h) > 0 {
				t.Errorf("%s: hit before Flush", d.ID)
			}
		}
		hits = s.Flush(c)
	}
	var out []string
	for _, h := range hits {
		sev := h.Severity
		if sev == 0 {
			sev = d.Severity
		}
		if h.Description == "" || !strings.HasSuffix(h.Description, ".") {
			t.Errorf("%s: description %q", d.ID, h.Description)
		}
		out = append(out, fmt.Sprintf("%s|%s|%g", h.Resource, h.Actor, float64(sev)))
	}
	slices.Sort(out)
	return out
}

var cases = []struct {
	name string
	d    *detect.Detection
	recs []vigil.FlowRecord
	want []string
}{
	{"ssh inbound", sshBruteForce, attempts(25, "203.0.113.9", web, 22, t0, 10, "ACCEPT"), []string{eni + "|203.0.113.9 INBOUND|2"}},
	{"ssh outbound", sshBruteForce, attempts(25, web, "203.0.113.9", 22, t0, 10, "ACCEPT"), []string{eni + "|203.0.113.9 OUTBOUND|8"}},
	{"ssh slow", sshBruteForce, attempts(25, "203.0.113.9", web, 22, t0, 60, "ACCEPT"), nil},
	{"ssh few", sshBruteForce, attempts(19, "203.0.113.9", web, 22, t0, 1, "ACCEPT"), nil},
	{"ssh internal", sshBruteForce, attempts(50, "10.0.2.2", web, 22, t0, 1, "ACCEPT"), nil},
	{"ssh answers", sshBruteForce, func() []vigil.FlowRecord { // the server's side of an office's sessions
		var out []vigil.FlowRecord
		for i := range int64(30) {
			out = append(out, flow(web, "203.0.113.9", 22, 40000+i, 6, t0+i, 5000, "ACCEPT"))
		}
		return out
	}(), nil},
	{"rdp rejected", rdpBruteForce, attempts(25, "203.0.113.9", web, 3389, t0, 7, "REJECT"), []string{eni + "|203.0.113.9 INBOUND|2"}},
	{"rdp on ssh", rdpBruteForce, attempts(25, "203.0.113.9", web, 22, t0, 7, "REJECT"), nil},
	{"probe open", portProbeUnprotectedPort, probes("203.0.113.9", web, append(portRange(1000, 12), 443), t0, 443), []string{eni + "|port 443|2"}},
	{"probe elasticsearch", portProbeUnprotectedPort, probes("203.0.113.9", web, append(portRange(1000, 12), 9200), t0, 9200), []string{eni + "|port 9200|8"}},
	{"probe closed", portProbeUnprotectedPort, probes("203.0.113.9", web, portRange(1000, 100), t0), nil},
	{"probe few ports", portProbeUnprotectedPort, probes("203.0.113.9", web, []int64{22, 80, 443}, t0, 443), nil},
	{"probe listed", portProbeUnprotectedPort, probes(threatIP, web, []int64{443}, t0, 443), []string{eni + "|port 443|2"}},
	{"portscan", portscan, probes(web, "203.0.113.9", portRange(1, 30), t0), []string{eni + "|203.0.113.9|5"}},
	{"portscan few", portscan, probes(web, "203.0.113.9", portRange(1, 20), t0), nil},
	{"portscan inbound", portscan, probes("203.0.113.9", web, portRange(1, 100), t0), nil},
	{"sweep", portSweep, sweep(60, 23), []string{eni + "|port 23|8"}},
	{"sweep few", portSweep, sweep(40, 23), nil},
	{"malicious accepted", maliciousIPCallerCustom, []vigil.FlowRecord{flow(web, threatIP, 40000, 443, 6, t0, 500, "ACCEPT")}, []string{eni + "|" + threatIP + "|5"}},
	{"malicious cidr inbound", maliciousIPCallerCustom, []vigil.FlowRecord{flow("192.0.2.7", web, 40000, 22, 6, t0, 500, "ACCEPT")}, []string{eni + "|192.0.2.7|5"}},
	{"malicious rejected", maliciousIPCallerCustom, []vigil.FlowRecord{flow(threatIP, web, 40000, 22, 6, t0, 500, "REJECT")}, nil},
	{"malicious unlisted", maliciousIPCallerCustom, []vigil.FlowRecord{flow(web, "203.0.113.9", 40000, 443, 6, t0, 500, "ACCEPT")}, nil},
	{"port unusual", networkPortUnusual, cat(attempts(3, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), attempts(3, web, "203.0.113.50", 4444, t0+25*3600, 60, "ACCEPT")), []string{eni + "|6/4444|5"}},
	{"port in learning", networkPortUnusual, cat(attempts(3, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), attempts(3, web, "203.0.113.50", 4444, t0+2*3600, 60, "ACCEPT")), nil},
	{"port known", networkPortUnusual, cat(attempts(3, web, "203.0.113.9", 4444, t0, 60, "ACCEPT"), attempts(3, web, "203.0.113.50", 4444, t0+25*3600, 60, "ACCEPT")), nil},
	{"port used by peers", networkPortUnusual, func() []vigil.FlowRecord {
		recs := cat(attempts(1, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), attempts(1, web, "203.0.113.50", 123, t0+25*3600, 60, "ACCEPT"))
		for i, e := range []string{"eni-peer1", "eni-peer2"} {
			r := flow("10.0.1."+fmt.Sprint(20+i), "203.0.113.51", 40000, 123, 6, t0+3600, 76, "ACCEPT")
			r.SetStr(vigil.FlowInterfaceID, e)
			recs = append(recs, r)
		}
		return recs
	}(), nil},
	{"port private", networkPortUnusual, cat(attempts(3, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), attempts(3, web, "10.0.9.9", 4444, t0+25*3600, 60, "ACCEPT")), nil},
	{"spambot", spambot, cat(attempts(3, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), attempts(3, web, "203.0.113.25", 25, t0+30*3600, 60, "ACCEPT")), []string{eni + "|6/25|5"}},
	{"spambot history", spambot, cat(attempts(3, web, "203.0.113.9", 25, t0, 60, "ACCEPT"), attempts(3, web, "203.0.113.25", 25, t0+30*3600, 60, "ACCEPT")), nil},
	{"spambot other port", spambot, cat(attempts(3, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), attempts(3, web, "203.0.113.25", 587, t0+30*3600, 60, "ACCEPT")), nil},
	{"volume", trafficVolumeUnusual, cat(attempts(10, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), bulk(web, "203.0.113.77", 1<<30)), []string{eni + "|203.0.113.77|5"}},
	{"volume small", trafficVolumeUnusual, cat(attempts(10, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), bulk(web, "203.0.113.77", 400<<20)), nil},
	{"volume to s3", trafficVolumeUnusual, cat(attempts(10, web, "203.0.113.9", 443, t0, 60, "ACCEPT"), bulk(web, "52.216.10.20", 4<<30)), nil},
	{"volume baseline", trafficVolumeUnusual, cat(bulk(web, "203.0.113.9", 800<<20), bulk(web, "203.0.113.77", 1<<30)), nil},
}

// bulk returns an upload of n bytes from src to dst:443 over 30 minutes.
func bulk(src, dst string, n int64) []vigil.FlowRecord {
	var out []vigil.FlowRecord
	for m := range int64(30) {
		out = append(out, flow(src, dst, 41000, 443, 6, t0+7200+m*60, n/30, "ACCEPT"))
	}
	return out
}

func TestDetections(t *testing.T) {
	c := testContext(t)
	tested := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tested[tc.d.ID] = true
			got := run(t, tc.d, c, tc.recs)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			// The same records in another order give the same hits.
			shuffled := slices.Clone(tc.recs)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if diff := cmp.Diff(got, run(t, tc.d, c, shuffled)); diff != "" {
				t.Errorf("shuffled (-ordered +shuffled):\n%s", diff)
			}
			// A stateful detection fed every record twice (a retro-hunt
			// after inline detection) gives the same hits. (The engine
			// folds a single-record match's repeats into one finding.)
			if tc.d.NewStateful == nil {
				return
			}
			if diff := cmp.Diff(got, run(t, tc.d, c, cat(tc.recs, shuffled))); diff != "" {
				t.Errorf("fed twice (-once +twice):\n%s", diff)
			}
		})
	}
	for _, d := range All() {
		if !tested[d.ID] {
			t.Errorf("%s has no test case", d.ID)
		}
	}
	if _, err := detect.NewRegistry(All()...); err != nil {
		t.Error(err)
	}
}

// TestStateRoundTrip splits each case's records in two runs with the state
// saved and restored between them: the hits are those of one run.
func TestStateRoundTrip(t *testing.T) {
	c := testContext(t)
	for _, tc := range cases {
		if tc.d.NewStateful == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			s := tc.d.NewStateful()
			half := len(tc.recs) / 2
			for i := range tc.recs[:half] {
				s.(detect.FlowObserver).ObserveFlow(&tc.recs[i], part, c)
			}
			s.Flush(c)
			raw, err := s.MarshalState()
			if err != nil {
				t.Fatal(err)
			}
			s2 := tc.d.NewStateful()
			if err := s2.UnmarshalState(raw); err != nil {
				t.Fatal(err)
			}
			for i := range tc.recs[half:] {
				s2.(detect.FlowObserver).ObserveFlow(&tc.recs[half+i], part, c)
			}
			var got []string
			for _, h := range s2.Flush(c) {
				got = append(got, h.Resource+"|"+h.Actor)
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, w[:strings.LastIndexByte(w, '|')])
			}
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("hits after restore (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddressing(t *testing.T) {
	for s, want := range map[string]bool{
		"10.1.2.3": true, "172.31.0.1": true, "192.168.1.1": true, "100.64.0.1": true, "100.127.255.255": true,
		"169.254.169.254": true, "fd00::1": true, "fe80::1": true, "::1": true,
		"100.128.0.1": false, "172.32.0.1": false, "8.8.8.8": false, "2600:1f18::1": false, "::ffff:10.0.0.1": true,
	} {
		if got := Private(netip.MustParseAddr(s)); got != want {
			t.Errorf("Private(%s) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"8.8.8.8": true, "224.0.0.1": false, "0.0.0.0": false, "10.0.0.1": false, "2600:1f18::1": true} {
		if got := Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v", s, got)
		}
	}
}

func TestConnOf(t *testing.T) {
	in := flow("203.0.113.9", web, 51000, 22, 6, t0, 100, "ACCEPT")
	c, ok := connOf(&in)
	if !ok || !c.inbound || !c.opened || c.lport != 22 || c.rport != 51000 || c.instance != eni {
		t.Errorf("inbound SSH: %+v %v", c, ok)
	}
	answer := flow(web, "203.0.113.9", 22, 51000, 6, t0, 100, "ACCEPT")
	if c, ok := connOf(&answer); !ok || c.inbound || c.opened {
		t.Errorf("answer: %+v %v", c, ok)
	}
	synack := flow("203.0.113.9", web, 443, 30000, 6, t0, 100, "ACCEPT")
	synack.SetInt(vigil.FlowTCPFlags, 18)
	if c, _ := connOf(&synack); c.opened {
		t.Error("SYN-ACK opened the connection")
	}
	v5 := flow("10.0.0.1", "10.0.0.2", 40000, 5432, 6, t0, 100, "ACCEPT")
	v5.SetStr(vigil.FlowFlowDirection, "egress")
	v5.SetStr(vigil.FlowInstanceID, "i-1")
	if c, ok := connOf(&v5); !ok || c.inbound || c.instance != "i-1" || c.rport != 5432 {
		t.Errorf("v5 egress: %+v %v", c, ok)
	}
	internal := flow("10.0.0.1", "10.0.0.2", 40000, 5432, 6, t0, 100, "ACCEPT")
	if _, ok := connOf(&internal); ok {
		t.Error("v2 private to private read as a connection")
	}
	nodata := flow(web, "203.0.113.9", 22, 51000, 6, t0, 100, "ACCEPT")
	nodata.SetStr(vigil.FlowLogStatus, "NODATA")
	if _, ok := connOf(&nodata); ok {
		t.Error("NODATA read as a connection")
	}
}

// TestFindingShape runs detections through the engine: GuardDuty's shape,
// the role by direction, evidence flow keys and SQL.
func TestFindingShape(t *testing.T) {
	reg, err := detect.NewRegistry(All()...)
	if err != nil {
		t.Fatal(err)
	}
	en, err := detect.New(reg, testContext(t), detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs := cat(attempts(25, web, "203.0.113.9", 22, t0, 10, "ACCEPT"), attempts(25, "203.0.113.10", web, 22, t0, 10, "ACCEPT"))
	for i := range recs {
		en.Flow(&recs[i], part)
	}
	en.Flush()
	fs := en.Findings()
	if len(fs) != 2 {
		t.Fatalf("%d findings, want 2", len(fs))
	}
	for _, f := range fs {
		a := f.Service.Action.NetworkConnectionAction
		if f.Type != "UnauthorizedAccess:EC2/SSHBruteForce" || a == nil || f.Service.FeatureName != "FlowLogs" || f.Resource.ResourceType != vigil.ResourceInstance {
			t.Fatalf("finding %+v", f)
		}
		wantRole, wantSev, wantDir := "TARGET", vigil.SeverityLow, "INBOUND"
		if a.RemoteIPDetails.IPAddressV4 == "203.0.113.9" {
			wantRole, wantSev, wantDir = "ACTOR", vigil.SeverityHigh, "OUTBOUND"
		}
		if f.Service.ResourceRole != wantRole || f.Severity != wantSev || a.ConnectionDirection != wantDir {
			t.Errorf("%s: role %s severity %g direction %s", a.RemoteIPDetails.IPAddressV4, f.Service.ResourceRole, float64(f.Severity), a.ConnectionDirection)
		}
		if f.Service.Count != 25 || len(f.Evidence.FlowKeys) != 25 || !strings.Contains(f.Evidence.SQL, "from auditing.flowlogs") {
			t.Errorf("count %d, %d flow keys, SQL %s", f.Service.Count, len(f.Evidence.FlowKeys), f.Evidence.SQL)
		}
	}
}

// TestPortProbeAction: PortProbeUnprotectedPort findings carry GuardDuty's
// portProbeAction, one entry per probing address and port, whatever the
// order the records come in.
func TestPortProbeAction(t *testing.T) {
	reg, err := detect.NewRegistry(portProbeUnprotectedPort)
	if err != nil {
		t.Fatal(err)
	}
	recs := cat(probes("203.0.113.9", web, append(portRange(1000, 12), 443, 22), t0, 443, 22),
		probes("198.51.100.7", web, append(portRange(2000, 12), 443), t0+60, 443))
	for seed := range uint64(3) {
		if seed > 0 {
			rand.New(rand.NewPCG(seed, 5)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
		}
		en, err := detect.New(reg, nil, detect.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range recs {
			en.Flow(&recs[i], part)
		}
		en.Flush()
		var got []string
		for _, f := range en.Findings() {
			a := f.Service.Action
			if a.ActionType != vigil.ActionPortProbe || a.PortProbeAction == nil || a.NetworkConnectionAction != nil {
				t.Fatalf("action %+v, want a PORT_PROBE", a)
			}
			line := fmt.Sprintf("blocked=%v", a.PortProbeAction.Blocked)
			for _, d := range a.PortProbeAction.PortProbeDetails {
				line += fmt.Sprintf(" %s:%d/%s->%s", d.RemoteIPDetails.IPAddressV4, d.LocalPortDetails.Port, d.LocalPortDetails.PortName, d.LocalIPDetails.IPAddressV4)
			}
			got = append(got, line)
		}
		slices.Sort(got)
		want := []string{
			"blocked=false 198.51.100.7:443/HTTPS->" + web + " 203.0.113.9:443/HTTPS->" + web,
			"blocked=false 203.0.113.9:22/SSH->" + web,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("seed %d: port probe details (-want +got):\n%s", seed, diff)
		}
	}
}

// TestParseAddr: the fast path agrees with netip.ParseAddr.
func TestParseAddr(t *testing.T) {
	for _, s := range []string{"10.0.1.10", "0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
		"1.02.3.4", "1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ", "2600:1f18::1", "::ffff:10.0.0.1", "fe80::1%eth0", "", "-", "1.2.3.1000"} {
		want, err := netip.ParseAddr(s)
		got, ok := parseAddr(s)
		if ok != (err == nil) || got != want {
			t.Errorf("parseAddr(%q) = %v %v, want %v %v", s, got, ok, want, err)
		}
	}
}
