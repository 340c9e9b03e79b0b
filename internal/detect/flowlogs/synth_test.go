package flowlogs_test

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/flowlogs"
	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/synth"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// wantType is the finding each planned flow-log attack must produce.
var wantType = map[synth.Kind]string{
	synth.KindPortScan:      "Recon:EC2/PortProbeUnprotectedPort",
	synth.KindSSHBruteForce: "UnauthorizedAccess:EC2/SSHBruteForce",
	synth.KindRDPProbe:      "UnauthorizedAccess:EC2/RDPBruteForce",
	synth.KindC2Beacon:      "Behavior:EC2/NetworkPortUnusual",
	synth.KindUnusualDNS:    "Behavior:EC2/NetworkPortUnusual",
	synth.KindExfiltration:  "Behavior:EC2/TrafficVolumeUnusual",
}

// counting is a Detector that also notes which planned scanners had a
// probe accepted (a scan of ports that are all closed shows no
// unprotected port, and GuardDuty reports none).
type counting struct {
	en       *detect.Engine
	mu       sync.Mutex
	scanners map[string]bool
	accepted map[string]bool
	flows    int
	busy     time.Duration
}

func (c *counting) Events(p vigil.Partition, events []vigil.Event) { c.en.Events(p, events) }

func (c *counting) Flow(r *vigil.FlowRecord, p vigil.Partition) {
	t := time.Now()
	c.en.Flow(r, p)
	d := time.Since(t)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flows++
	c.busy += d
	if src := r.Str[vigil.FlowSrcAddr]; c.scanners[src] && r.Str[vigil.FlowAction] == "ACCEPT" {
		c.accepted[src] = true
	}
}

// TestSynthFlowAttacks ingests a generated org's flow logs with the
// flow-log detections inline, and requires every planted attack to give
// its finding on its instance and nothing on the benign look-alikes (the
// nightly S3 backup, the offices' SSH and RDP, internet background noise).
//
// Seed 1 scans only closed ports; seed 6 scans web servers (open 80 and
// 443). In both, the attack chain comes after the instances' learning period.
func TestSynthFlowAttacks(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and ingests an org")
	}
	accepted := 0
	for _, seed := range []int64{1, 6} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { accepted += synthFlowAttacks(t, seed) })
	}
	if accepted == 0 {
		t.Error("no planned scan reached an open port: PortProbeUnprotectedPort untested")
	}
}

// synthFlowAttacks runs one org and returns how many scans hit open ports.
func synthFlowAttacks(t *testing.T, seed int64) int {
	dir := t.TempDir()
	o := synth.Options{Dir: filepath.Join(dir, "logs"), Seed: seed, Accounts: 2, Regions: []string{"us-east-1", "eu-west-1"},
		Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Days: 3, EventsPerDay: 100, FlowLogs: true, FlowRecordsPerDay: 4000}
	plan, err := synth.FlowPlan(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Generate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	reg, err := detect.NewRegistry(flowlogs.All()...)
	if err != nil {
		t.Fatal(err)
	}
	en, err := detect.New(reg, nil, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &counting{en: en, scanners: map[string]bool{}, accepted: map[string]bool{}}
	for _, in := range plan {
		if in.Kind == synth.KindPortScan {
			c.scanners[in.SrcAddr] = true
		}
	}
	l, err := lake.Open(filepath.Join(dir, "lake"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := ingest.Dir(t.Context(), l, []string{o.Dir}, ingest.Options{Detector: c}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	en.Flush()
	flush := time.Since(start)
	findings := en.Findings()
	t.Logf("%d flow records through the engine in %s (%.0f records/s per goroutine), flush %s; %d findings",
		c.flows, c.busy.Round(time.Millisecond), float64(c.flows)/c.busy.Seconds(), flush.Round(time.Millisecond), len(findings))

	// A finding matches an incident when it is of the wanted type, on the
	// incident's instance, and its evidence includes the outside address.
	type key struct{ typ, instance string }
	byKey := map[key][]vigil.Finding{}
	for _, f := range findings {
		t.Logf("%s %s sev %g count %d: %s", f.Type, f.Resource.InstanceDetails.InstanceID, float64(f.Severity), f.Service.Count, f.Description)
		byKey[key{f.Type, instanceOf(f)}] = append(byKey[key{f.Type, instanceOf(f)}], f)
	}
	explained := map[string]bool{}
	for _, in := range plan {
		name := fmt.Sprintf("%s %s %s %s", in.Kind, in.Account, in.Region, in.Start.Format(time.DateTime))
		// v2 records have no instance-id: findings then name the interface.
		inst := in.InstanceID
		if _, ok := byKey[key{wantType[in.Kind], inst}]; !ok {
			inst = in.InterfaceID
		}
		typ, ok := wantType[in.Kind]
		if !ok { // benign look-alikes: nothing on their instance and address
			for _, f := range findings {
				if (instanceOf(f) == in.InstanceID || instanceOf(f) == in.InterfaceID) && mentions(f, in.DstAddr) {
					t.Errorf("%s (benign): finding %s: %s", name, f.Type, f.Description)
				}
			}
			continue
		}
		if in.Attack && in.Start.Sub(o.Start) < 25*time.Hour {
			t.Fatalf("%s: within the learning period; choose another seed", name)
		}
		if in.Kind == synth.KindPortScan && !c.accepted[in.SrcAddr] {
			t.Logf("%s: every probe rejected, no unprotected port", name)
			continue
		}
		outside := in.SrcAddr
		if !isPrivate(in.DstAddr) {
			outside = in.DstAddr
		}
		found := false
		for _, f := range byKey[key{typ, inst}] {
			if mentions(f, outside) {
				found = true
				explained[f.ID] = true
			}
		}
		if !found {
			t.Errorf("%s: no %s finding on %s from %s", name, typ, inst, outside)
		}
	}
	for _, f := range findings {
		if !explained[f.ID] {
			t.Errorf("finding not explained by a planned attack: %s on %s: %s", f.Type, instanceOf(f), f.Description)
		}
	}

	// The retro-hunt over the lake finds the same.
	en2, err := detect.New(reg, nil, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	err = lake.ScanFlowLogs(t.Context(), l.Dir(), "", "", func(r *vigil.FlowRecord, p vigil.Partition) error {
		en2.Flow(r, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	en2.Flush()
	t.Logf("retro-hunt: %d records scanned and evaluated in %s", en2.Stats().Flows, time.Since(start).Round(time.Millisecond))
	summary := func(fs []vigil.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%s %s %s %d %s %s", f.ID, f.Type, instanceOf(f), f.Service.Count, f.Service.EventFirstSeen, f.Service.EventLastSeen))
		}
		return out
	}
	if diff := cmp.Diff(summary(findings), summary(en2.Findings())); diff != "" {
		t.Errorf("retro-hunt findings differ from inline (-inline +retro):\n%s", diff)
	}
	return len(c.accepted)
}

func mentions(f vigil.Finding, addr string) bool {
	is := func(d *vigil.RemoteIPDetails) bool {
		return d != nil && (d.IPAddressV4 == addr || d.IPAddressV6 == addr)
	}
	if a := f.Service.Action.NetworkConnectionAction; a != nil && is(a.RemoteIPDetails) {
		return true
	}
	if a := f.Service.Action.PortProbeAction; a != nil {
		for _, d := range a.PortProbeDetails {
			if is(d.RemoteIPDetails) {
				return true
			}
		}
	}
	return false
}

func isPrivate(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && flowlogs.Private(a)
}

// instanceOf returns the instance a finding is about, or its interface
// when the records did not name the instance (v2).
func instanceOf(f vigil.Finding) string {
	d := f.Resource.InstanceDetails
	if d.InstanceID == "" && len(d.NetworkInterfaces) > 0 {
		return d.NetworkInterfaces[0].NetworkInterfaceID
	}
	return d.InstanceID
}
