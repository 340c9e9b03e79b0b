package synth

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/flowlogs"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// withFlows is moderate plus flow logs and fewer CloudTrail events.
func withFlows(dir string) Options {
	o := moderate(dir)
	o.EventsPerDay = 100
	o.FlowLogs = true
	o.FlowRecordsPerDay = 3000
	return o
}

var flowRE = regexp.MustCompile(`^AWSLogs/(\d{12})/vpcflowlogs/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/(\d{12})_vpcflowlogs_([a-z0-9-]+)_(fl-[0-9a-f]{17})_(\d{8})T(\d{2})(\d{2})Z_[0-9a-f]{8}\.log(\.gz)?$`)

// flowFile is one parsed flow-log file.
type flowFile struct {
	name   string
	key    flowlogs.Key
	window int // minutes since midnight, from the name
	header string
	recs   []vigil.FlowRecord
}

// readFlows parses every flow-log file of files with the real reader,
// failing the test on any error.
func readFlows(t *testing.T, files map[string][]byte) []flowFile {
	t.Helper()
	var out []flowFile
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if !strings.Contains(name, "/vpcflowlogs/") {
			continue
		}
		m := flowRE.FindStringSubmatch(name)
		if m == nil || m[1] != m[6] || m[2] != m[7] || m[3]+m[4]+m[5] != m[9] {
			t.Errorf("%s: not in the flow-log delivery layout", name)
			continue
		}
		k, ok := flowlogs.ParseKey(name)
		if !ok || k.Partition.Account != m[1] || k.Partition.Region != m[2] || k.Partition.Date != m[3]+"-"+m[4]+"-"+m[5] || k.Parquet {
			t.Errorf("%s: ParseKey = %+v, %v", name, k, ok)
			continue
		}
		raw := gunzip(t, name, files[name])
		f := flowFile{name: name, key: k, window: atoi(m[10])*60 + atoi(m[11])}
		f.header, _, _ = strings.Cut(string(raw), "\n")
		rd := flowlogs.NewReader(bytes.NewReader(raw), nil)
		for {
			var rec vigil.FlowRecord
			err := rd.Next(&rec)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %s: %v", name, rd.Position(), err)
			}
			f.recs = append(f.recs, rec)
		}
		out = append(out, f)
	}
	return out
}

func TestFlowDeterministic(t *testing.T) {
	o1, o2 := withFlows(t.TempDir()), withFlows(t.TempDir())
	st1, a := generate(t, o1)
	prev := runtime.GOMAXPROCS(1)
	st2, b := generate(t, o2)
	runtime.GOMAXPROCS(prev)
	if st1 != st2 {
		t.Errorf("stats differ: %+v vs %+v", st1, st2)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		t.Fatal("file names differ between runs")
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}
	// Flow logs leave CloudTrail's bytes alone.
	o3 := withFlows(t.TempDir())
	o3.FlowLogs = false
	st3, c := generate(t, o3)
	if st3.Files != st1.Files || st3.Events != st1.Events || st3.FlowFiles != 0 {
		t.Errorf("stats without flows %+v, with %+v", st3, st1)
	}
	for name, data := range c {
		if !bytes.Equal(data, a[name]) {
			t.Errorf("%s changes when flow logs are on", name)
		}
	}
	p1, err := FlowPlan(o1)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := FlowPlan(o2)
	if diff := cmp.Diff(p1, p2); diff != "" {
		t.Errorf("FlowPlan is not deterministic:\n%s", diff)
	}
}

func TestFlowLayoutAndRecords(t *testing.T) {
	for _, compress := range []bool{true, false} {
		o := withFlows(t.TempDir())
		o.Compress = compress
		st, files := generate(t, o)
		flows := readFlows(t, files)
		accounts := Accounts(o.Seed, o.Accounts)
		var nFiles, nRecs int
		var raw int64
		headers := map[string]bool{}
		seen := map[string]int{} // what the mix must contain
		for _, f := range flows {
			nFiles++
			nRecs += len(f.recs)
			if compress != strings.HasSuffix(f.name, ".gz") {
				t.Errorf("%s: compression is not as asked", f.name)
			}
			raw += int64(len(gunzip(t, f.name, files[f.name])))
			headers[f.header] = true
			if !slices.Contains(accounts, f.key.Partition.Account) || !slices.Contains(o.Regions, f.key.Partition.Region) {
				t.Errorf("%s: unknown account or region", f.name)
			}
			if f.window%10 != 0 {
				t.Errorf("%s: not a 10-minute window", f.name)
			}
			day, _ := time.Parse(time.DateOnly, f.key.Partition.Date)
			prev := int64(0)
			for i, r := range f.recs {
				if r.Str[vigil.FlowAccountID] != f.key.Partition.Account {
					t.Errorf("%s[%d]: account-id %s", f.name, i, r.Str[vigil.FlowAccountID])
				}
				if r.Has(vigil.FlowRegion) && r.Str[vigil.FlowRegion] != f.key.Partition.Region {
					t.Errorf("%s[%d]: region %s", f.name, i, r.Str[vigil.FlowRegion])
				}
				start, end := r.Int[vigil.FlowStart], r.Int[vigil.FlowEnd]
				if min := (start - day.Unix()) / 60; min < int64(f.window) || min >= int64(f.window+10) || end < start || start < prev {
					t.Errorf("%s[%d]: start %d end %d outside the file's window or out of order", f.name, i, start, end)
				}
				prev = start
				if !strings.HasPrefix(r.Str[vigil.FlowInterfaceID], "eni-0") {
					t.Errorf("%s[%d]: interface-id %q", f.name, i, r.Str[vigil.FlowInterfaceID])
				}
				switch status := r.Str[vigil.FlowLogStatus]; status {
				case "OK":
					if !r.Has(vigil.FlowSrcAddr) || !r.Has(vigil.FlowAction) || !r.Has(vigil.FlowBytes) {
						t.Errorf("%s[%d]: OK record without traffic fields", f.name, i)
					}
					seen[r.Str[vigil.FlowAction]]++
					if strings.Contains(r.Str[vigil.FlowSrcAddr], ":") {
						seen["ipv6"]++
						if r.Has(vigil.FlowType) && r.Str[vigil.FlowType] != "IPv6" {
							t.Errorf("%s[%d]: IPv6 addresses, type %s", f.name, i, r.Str[vigil.FlowType])
						}
					}
					switch r.Int[vigil.FlowProtocol] {
					case 1:
						seen["icmp"]++
					case 17:
						seen["udp"]++
					}
					if r.Has(vigil.FlowPktDstAWSService) {
						seen["aws-service"]++
					}
				case "NODATA", "SKIPDATA":
					seen[status]++
					if r.Has(vigil.FlowSrcAddr) || r.Has(vigil.FlowAction) || r.Has(vigil.FlowPackets) {
						t.Errorf("%s[%d]: %s record with traffic fields", f.name, i, status)
					}
				default:
					t.Errorf("%s[%d]: log-status %q", f.name, i, status)
				}
			}
		}
		if nFiles != st.FlowFiles || nRecs != st.FlowRecords || raw != st.FlowRawBytes {
			t.Errorf("found %d files, %d records, %d bytes; Stats %+v", nFiles, nRecs, raw, st)
		}
		units := o.Accounts * len(o.Regions) * o.Days
		if lo, hi := units*o.FlowRecordsPerDay*9/10, units*o.FlowRecordsPerDay*11/10+20_000; nRecs < lo || nRecs > hi {
			t.Errorf("%d flow records, want %d to %d", nRecs, lo, hi)
		}
		v2 := strings.Join(fieldNames(v2Format), " ")
		v5 := strings.Join(fieldNames(v5Format), " ")
		if diff := cmp.Diff(map[string]bool{v2: true, v5: true}, headers); diff != "" {
			t.Errorf("headers (-want +got):\n%s", diff)
		}
		for _, k := range []string{"ACCEPT", "REJECT", "NODATA", "SKIPDATA", "ipv6", "icmp", "udp", "aws-service"} {
			if seen[k] == 0 {
				t.Errorf("no %s records", k)
			}
		}
		if seen["REJECT"] > seen["ACCEPT"] {
			t.Errorf("%d REJECT for %d ACCEPT: routine traffic should be mostly accepted", seen["REJECT"], seen["ACCEPT"])
		}
	}
}

func fieldNames(fs []vigil.FlowField) []string {
	var out []string
	for _, f := range fs {
		out = append(out, vigil.FlowFieldNames[f])
	}
	return out
}

func TestFlowPlanInOutput(t *testing.T) {
	o := withFlows(t.TempDir())
	_, files := generate(t, o)
	plan, err := FlowPlan(o)
	if err != nil {
		t.Fatal(err)
	}
	type unit struct{ account, region, date string }
	byUnit := map[unit][]vigil.FlowRecord{}
	for _, f := range readFlows(t, files) {
		u := unit{f.key.Partition.Account, f.key.Partition.Region, f.key.Partition.Date}
		byUnit[u] = append(byUnit[u], f.recs...)
	}
	planned := map[string]bool{}
	kinds := map[Kind]int{}
	for _, in := range plan {
		kinds[in.Kind]++
		outside := in.SrcAddr
		if strings.HasPrefix(outside, "10.") {
			outside = in.DstAddr
		}
		planned[outside] = true
		var recs, conns int
		var bytes int64
		ports := map[int64]bool{}
		first, last := int64(1<<62), int64(0)
		for _, r := range byUnit[unit{in.Account, in.Region, in.Start.Format(time.DateOnly)}] {
			src, dst := r.Str[vigil.FlowSrcAddr], r.Str[vigil.FlowDstAddr]
			if !(src == in.SrcAddr && dst == in.DstAddr) && !(src == in.DstAddr && dst == in.SrcAddr) {
				continue
			}
			if r.Str[vigil.FlowInterfaceID] != in.InterfaceID {
				t.Errorf("%s: record on %s, want %s", in.Kind, r.Str[vigil.FlowInterfaceID], in.InterfaceID)
			}
			if r.Int[vigil.FlowProtocol] != int64(in.Protocol) {
				t.Errorf("%s: protocol %d", in.Kind, r.Int[vigil.FlowProtocol])
			}
			recs++
			bytes += r.Int[vigil.FlowBytes]
			first, last = min(first, r.Int[vigil.FlowStart]), max(last, r.Int[vigil.FlowEnd])
			if src == in.SrcAddr {
				conns++
				ports[r.Int[vigil.FlowDstPort]] = true
				if in.DstPort != 0 && r.Int[vigil.FlowDstPort] != int64(in.DstPort) {
					t.Errorf("%s: dstport %d, want %d", in.Kind, r.Int[vigil.FlowDstPort], in.DstPort)
				}
			}
		}
		if recs != in.Records || conns != in.Connections || len(ports) != in.Ports || bytes != in.Bytes {
			t.Errorf("%s in %s/%s: found %d records, %d connections, %d ports, %d bytes; plan %+v", in.Kind, in.Account, in.Region, recs, conns, len(ports), bytes, in)
		}
		if first != in.Start.Unix() || last != in.End.Unix() {
			t.Errorf("%s: records from %d to %d, plan %s to %s", in.Kind, first, last, in.Start, in.End)
		}
	}
	for k, want := range map[Kind]int{
		KindPortScan: o.Accounts, KindRDPProbe: o.Accounts, KindS3Backup: o.Accounts,
		KindSSHBruteForce: 1, KindC2Beacon: 1, KindUnusualDNS: 1, KindExfiltration: 1,
	} {
		if kinds[k] != want {
			t.Errorf("plan has %d %s, want %d", kinds[k], k, want)
		}
	}

	// The attack follows CloudTrail's: same account, region and day, after
	// SSH was opened to the world, from the console attacker's address.
	ct, err := Plan(o)
	if err != nil {
		t.Fatal(err)
	}
	var opened Incident
	for _, in := range ct {
		if in.Attack && in.Kind == KindSecurityGroupOpen {
			opened = in
		}
	}
	for _, in := range plan {
		if in.Attack != (in.Kind == KindSSHBruteForce || in.Kind == KindC2Beacon || in.Kind == KindUnusualDNS || in.Kind == KindExfiltration) {
			t.Errorf("%s: Attack %v", in.Kind, in.Attack)
		}
		if !in.Attack {
			continue
		}
		if in.Account != opened.Account || in.Region != opened.Region || !in.Start.After(opened.Time) || in.End.YearDay() != opened.Time.YearDay() {
			t.Errorf("%s %+v does not follow the CloudTrail attack %+v", in.Kind, in, opened)
		}
		if in.Kind == KindSSHBruteForce && in.SrcAddr != opened.SourceIP {
			t.Errorf("brute force from %s, the console attacker is %s", in.SrcAddr, opened.SourceIP)
		}
	}

	// What routine traffic never does (see the Kind constants).
	offices := map[string]bool{}
	g, err := newOrg(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range g.accounts {
		for _, ip := range a.officeIPs {
			offices[ip] = true
		}
	}
	probes := map[string]int{}
	for _, recs := range byUnit {
		for _, r := range recs {
			src, dst := r.Str[vigil.FlowSrcAddr], r.Str[vigil.FlowDstAddr]
			if planned[src] || planned[dst] {
				continue
			}
			private := func(ip string) bool { return strings.HasPrefix(ip, "10.") }
			dport := r.Int[vigil.FlowDstPort]
			accept := r.Str[vigil.FlowAction] == "ACCEPT"
			switch {
			case (dport == 22 || dport == 3389) && accept && !private(src) && !offices[src]:
				t.Errorf("routine ACCEPT to %d from %s", dport, src)
			case private(src) && !private(dst) && (dport == 4444 || dport == 53):
				t.Errorf("routine call from %s to %s:%d", src, dst, dport)
			case r.Int[vigil.FlowBytes] > 64<<20:
				t.Errorf("routine record of %d bytes", r.Int[vigil.FlowBytes])
			}
			if r.Str[vigil.FlowAction] == "REJECT" && !private(src) {
				probes[src]++
			}
		}
	}
	for ip, n := range probes {
		if n > 3 {
			t.Errorf("routine scanner %s sent %d probes", ip, n)
		}
	}
}

func TestFlowValidate(t *testing.T) {
	o := withFlows("out")
	o.FlowRecordsPerDay = -1
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "flow records per day") {
		t.Errorf("Validate = %v", err)
	}
	// No routine records: only the planned patterns' files.
	o = withFlows(t.TempDir())
	o.FlowRecordsPerDay = 0
	st, files := generate(t, o)
	plan, _ := FlowPlan(o)
	want := 0
	for _, in := range plan {
		want += in.Records
	}
	if got := len(readFlows(t, files)); got != st.FlowFiles || st.FlowRecords != want {
		t.Errorf("%d files, stats %+v; plan has %d records", got, st, want)
	}
}

func TestAZPrefix(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "use1", "eu-west-1": "euw1", "ap-southeast-2": "apse2", "ap-northeast-1": "apne1",
		"eu-central-1": "euc1", "sa-east-1": "sae1", "us-gov-west-1": "usgw1", "ca-central-1": "cac1",
	} {
		if got := azPrefix(region); got != want {
			t.Errorf("azPrefix(%s) = %s, want %s", region, got, want)
		}
	}
}
