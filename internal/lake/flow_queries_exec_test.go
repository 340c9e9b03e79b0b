package lake

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/queries"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Addresses of the flow-log fixture: account A logs a custom format with
// instance ids (v5-like), account B the default format.
const (
	fxWebENI  = "eni-0aaaaaaaaaaaaaaa1"
	fxWebID   = "i-0aaaaaaaaaaaaaaa1"
	fxWebIP   = "10.0.0.10"
	fxWebIP6  = "2600:1f18:1:2::10"
	fxWinENI  = "eni-0aaaaaaaaaaaaaaa2"
	fxWinID   = "i-0aaaaaaaaaaaaaaa2"
	fxWinIP   = "10.0.0.11"
	fxBENI    = "eni-0bbbbbbbbbbbbbbb1"
	fxBIP     = "10.1.0.5"
	fxScanner = "198.51.100.66"
	fxBrute   = "203.0.113.5"
	fxOffice  = "192.0.2.10"
	fxRDP     = "203.0.113.9"
	fxExfil   = "198.51.100.200"
	fxS3      = "52.216.1.1"
	fxScan6   = "2001:db8::1"
	fxClient6 = "2001:db8::2"
)

// fxFlow is one flow-log record of the fixture. daysAgo sets both its time
// and its delivery-date partition.
type fxFlow struct {
	daysAgo      int
	account      string // "" is account A
	eni          string
	src, dst     string
	sport, dport int64
	proto        int64
	packets      int64
	bytes        int64
	action       string // "" with status NODATA
	egress       bool
}

func flowFixture() []fxFlow {
	var fx []fxFlow
	// A scanner tries ports 1 to 20 of the web server.
	for p := int64(1); p <= 20; p++ {
		fx = append(fx, fxFlow{daysAgo: 1, eni: fxWebENI, src: fxScanner, dst: fxWebIP, sport: 40000, dport: p, proto: 6, packets: 1, bytes: 44, action: "REJECT"})
	}
	// SSH brute force: five accepted connections and their replies.
	for i := int64(0); i < 5; i++ {
		fx = append(fx,
			fxFlow{daysAgo: 1, eni: fxWebENI, src: fxBrute, dst: fxWebIP, sport: 50000 + i, dport: 22, proto: 6, packets: 12, bytes: 3000, action: "ACCEPT"},
			fxFlow{daysAgo: 1, eni: fxWebENI, src: fxWebIP, dst: fxBrute, sport: 22, dport: 50000 + i, proto: 6, packets: 10, bytes: 3500, action: "ACCEPT", egress: true})
	}
	fx = append(fx,
		// An admin from the office, and one from inside the VPC (not from the internet).
		fxFlow{daysAgo: 2, eni: fxWebENI, src: fxOffice, dst: fxWebIP, sport: 51000, dport: 22, proto: 6, packets: 100, bytes: 9000, action: "ACCEPT"},
		fxFlow{daysAgo: 2, eni: fxWebENI, src: "10.0.1.20", dst: fxWebIP, sport: 51001, dport: 22, proto: 6, packets: 50, bytes: 4000, action: "ACCEPT"},
		// RDP probing of the Windows host.
		fxFlow{daysAgo: 3, eni: fxWinENI, src: fxRDP, dst: fxWinIP, sport: 52000, dport: 3389, proto: 6, packets: 1, bytes: 52, action: "REJECT"},
		fxFlow{daysAgo: 3, eni: fxWinENI, src: fxRDP, dst: fxWinIP, sport: 52001, dport: 3389, proto: 6, packets: 1, bytes: 52, action: "REJECT"},
		fxFlow{daysAgo: 3, eni: fxWinENI, src: fxRDP, dst: fxWinIP, sport: 52002, dport: 3389, proto: 6, packets: 2, bytes: 104, action: "REJECT"},
		// Exfiltration: 5 GB out in two records, acknowledgements back.
		fxFlow{daysAgo: 1, eni: fxWebENI, src: fxWebIP, dst: fxExfil, sport: 53000, dport: 443, proto: 6, packets: 1_700_000, bytes: 2_500_000_000, action: "ACCEPT", egress: true},
		fxFlow{daysAgo: 1, eni: fxWebENI, src: fxWebIP, dst: fxExfil, sport: 53000, dport: 443, proto: 6, packets: 1_700_000, bytes: 2_500_000_000, action: "ACCEPT", egress: true},
		fxFlow{daysAgo: 1, eni: fxWebENI, src: fxExfil, dst: fxWebIP, sport: 443, dport: 53000, proto: 6, packets: 900_000, bytes: 46_800_000, action: "ACCEPT"},
		// DNS to a public resolver, a ping.
		fxFlow{daysAgo: 1, eni: fxWebENI, src: fxWebIP, dst: "8.8.8.8", sport: 54000, dport: 53, proto: 17, packets: 1, bytes: 80, action: "ACCEPT", egress: true},
		fxFlow{daysAgo: 1, eni: fxWebENI, src: "8.8.8.8", dst: fxWebIP, sport: 53, dport: 54000, proto: 17, packets: 1, bytes: 200, action: "ACCEPT"},
		fxFlow{daysAgo: 1, eni: fxWebENI, src: "10.0.1.20", dst: fxWebIP, proto: 1, packets: 4, bytes: 336, action: "ACCEPT"},
		// IPv6: a scanner on SSH, a client on HTTPS.
		fxFlow{daysAgo: 2, eni: fxWebENI, src: fxScan6, dst: fxWebIP6, sport: 55000, dport: 22, proto: 6, packets: 1, bytes: 64, action: "REJECT"},
		fxFlow{daysAgo: 2, eni: fxWebENI, src: fxClient6, dst: fxWebIP6, sport: 55001, dport: 443, proto: 6, packets: 8, bytes: 900, action: "ACCEPT"},
		fxFlow{daysAgo: 2, eni: fxWebENI, src: fxWebIP6, dst: fxClient6, sport: 443, dport: 55001, proto: 6, packets: 9, bytes: 12000, action: "ACCEPT", egress: true},
		// An interface without traffic.
		fxFlow{daysAgo: 2, eni: fxWinENI},
		// Account B, default format: a call to S3 and its answer.
		fxFlow{daysAgo: 2, account: acctB, eni: fxBENI, src: fxBIP, dst: fxS3, sport: 56000, dport: 443, proto: 6, packets: 700, bytes: 1_000_000, action: "ACCEPT", egress: true},
		fxFlow{daysAgo: 2, account: acctB, eni: fxBENI, src: fxS3, dst: fxBIP, sport: 443, dport: 56000, proto: 6, packets: 300, bytes: 20_000, action: "ACCEPT"},
		// Out of the default range: 40 days ago.
		fxFlow{daysAgo: 40, eni: fxWebENI, src: "203.0.113.77", dst: fxWebIP, sport: 57000, dport: 22, proto: 6, packets: 12, bytes: 3000, action: "ACCEPT"},
	)
	return fx
}

// flowRecord renders fixture record i as the reader would.
func (f fxFlow) record(i int, now time.Time) (vigil.FlowRecord, vigil.Partition) {
	var r vigil.FlowRecord
	ts := f.time(i, now)
	account := or(f.account, acctA)
	r.SetInt(vigil.FlowVersion, 2)
	r.SetStr(vigil.FlowAccountID, account)
	r.SetStr(vigil.FlowInterfaceID, f.eni)
	r.SetInt(vigil.FlowStart, ts.Unix())
	r.SetInt(vigil.FlowEnd, ts.Unix()+30)
	if f.action == "" {
		r.SetStr(vigil.FlowLogStatus, "NODATA")
	} else {
		r.SetStr(vigil.FlowLogStatus, "OK")
		r.SetStr(vigil.FlowSrcAddr, f.src)
		r.SetStr(vigil.FlowDstAddr, f.dst)
		r.SetInt(vigil.FlowSrcPort, f.sport)
		r.SetInt(vigil.FlowDstPort, f.dport)
		r.SetInt(vigil.FlowProtocol, f.proto)
		r.SetInt(vigil.FlowPackets, f.packets)
		r.SetInt(vigil.FlowBytes, f.bytes)
		r.SetStr(vigil.FlowAction, f.action)
	}
	if account == acctA {
		r.SetInt(vigil.FlowVersion, 5)
		r.SetStr(vigil.FlowVPCID, "vpc-0aaaaaaaaaaaaaaa1")
		r.SetStr(vigil.FlowInstanceID, map[string]string{fxWebENI: fxWebID, fxWinENI: fxWinID}[f.eni])
		r.SetStr(vigil.FlowRegion, "eu-west-1")
		if f.action != "" {
			dir := "ingress"
			if f.egress {
				dir = "egress"
			}
			r.SetStr(vigil.FlowFlowDirection, dir)
			typ := "IPv4"
			if strings.Contains(f.src, ":") {
				typ = "IPv6"
			}
			r.SetStr(vigil.FlowType, typ)
		}
	}
	return r, vigil.Partition{Account: account, Region: "eu-west-1", Date: ts.Format(time.DateOnly)}
}

func (f fxFlow) time(i int, now time.Time) time.Time {
	return now.Add(-time.Duration(f.daysAgo)*24*time.Hour - time.Duration(i)*time.Second).Truncate(time.Second)
}

// flowLake writes the fixture through the real writer and opens an engine on it.
func flowLake(t *testing.T, fx []fxFlow, now time.Time) *Engine {
	t.Helper()
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tx, err := l.Begin()
	if err != nil {
		t.Fatal(err)
	}
	w := NewFlowWriter(tx, WriterOptions{})
	for i, f := range fx {
		rec, p := f.record(i, now)
		if err := w.Write(p, "fixture.log", []vigil.FlowRecord{rec}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	eng, err := OpenEngine(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// resultRows returns the named columns of res as text.
func resultRows(t *testing.T, res *Result, cols []string) [][]string {
	t.Helper()
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = slices.Index(res.Columns, c)
		if idx[i] < 0 {
			t.Fatalf("no column %s in %v", c, res.Columns)
		}
	}
	out := [][]string{}
	for _, r := range res.Rows {
		row := make([]string, len(cols))
		for i, k := range idx {
			if r[k] == nil {
				row[i] = "NULL"
			} else {
				row[i] = fmt.Sprint(r[k])
			}
		}
		out = append(out, row)
	}
	return out
}

func TestFlowSavedQueriesExecute(t *testing.T) {
	now := time.Now().UTC()
	fx := flowFixture()
	eng := flowLake(t, fx, now)

	// Expected rows computed from the fixture.
	recent := func(f fxFlow) bool { return f.daysAgo <= 7 }
	var webBytes, winBytes, bBytes int64
	var accepted, rejectedTCP int
	totals := map[string][4]int64{} // date account -> bytes, packets, accepted, rejected
	var latestAccepted []string
	var latest time.Time
	for i, f := range fx {
		if !recent(f) || f.action == "" {
			continue
		}
		switch f.eni {
		case fxWebENI:
			webBytes += f.bytes
		case fxWinENI:
			winBytes += f.bytes
		case fxBENI:
			bBytes += f.bytes
		}
		k := f.time(i, now).Format(time.DateOnly) + " " + or(f.account, acctA)
		v := totals[k]
		v[0] += f.bytes
		v[1] += f.packets
		switch f.action {
		case "ACCEPT":
			accepted++
			v[2]++
			if ts := f.time(i, now); ts.After(latest) {
				latest, latestAccepted = ts, []string{f.src, f.dst}
			}
		case "REJECT":
			v[3]++
			if f.proto == 6 {
				rejectedTCP++
			}
		}
		totals[k] = v
	}
	var wantTotals [][]string
	for k, v := range totals {
		wantTotals = append(wantTotals, append(strings.Fields(k), fmt.Sprint(v[0]), fmt.Sprint(v[1]), fmt.Sprint(v[2]), fmt.Sprint(v[3])))
	}
	slices.SortFunc(wantTotals, func(a, b []string) int { return cmp.Or(-strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1])) })

	// What one instance saw, whichever way it is named.
	webPeers := [][]string{
		{fxExfil, "6", "3", "5000000000", "46800000", "0", "443"},
		{fxBrute, "6", "10", "17500", "15000", "0", "22"},
		{fxOffice, "6", "1", "0", "9000", "0", "22"},
		{"10.0.1.20", "6", "1", "0", "4000", "0", "22"},
		{"10.0.1.20", "1", "1", "0", "336", "0", "0"},
		{fxScanner, "6", "20", "0", "880", "20", "1,2,3,4,5,6,7,8,9,10"},
		{"8.8.8.8", "17", "2", "80", "200", "0", "53"},
	}
	webPeers6 := [][]string{
		{fxClient6, "6", "2", "12000", "900", "0", "443"},
		{fxScan6, "6", "1", "0", "64", "1", "22"},
	}
	peerCols := []string{"peer", "protocol", "flows", "bytes_out", "bytes_in", "rejected", "ports"}

	for _, tc := range []struct {
		name   string
		params map[string]string
		cols   []string
		want   [][]string
		first  bool // compare only the first row
		sorted bool // compare sorted, else in the query's order
		count  int  // if set, also check the number of rows
	}{
		{name: "TopTalkers", cols: []string{"srcaddr", "dstaddr", "bytes", "flows"}, first: true,
			want: [][]string{{fxWebIP, fxExfil, "5000000000", "2"}}},
		{name: "RejectedTrafficBySource", cols: []string{"srcaddr", "rejected", "dstaddrs", "dstports", "interfaces", "packets"},
			want: [][]string{{fxScanner, "20", "1", "20", "1", "20"}, {fxRDP, "3", "1", "1", "1", "4"}, {fxScan6, "1", "1", "1", "1", "1"}}},
		{name: "SshRdpFromInternet", cols: []string{"account", "srcaddr", "dstaddr", "dstport", "accepted", "rejected", "bytes"},
			want: [][]string{
				{acctA, fxBrute, fxWebIP, "22", "5", "0", "15000"},
				{acctA, fxOffice, fxWebIP, "22", "1", "0", "9000"},
				{acctA, fxRDP, fxWinIP, "3389", "0", "3", "208"},
				{acctA, fxScan6, fxWebIP6, "22", "0", "1", "64"},
			}},
		{name: "TrafficByDestinationPort", cols: []string{"protocol", "dstport", "flows", "accepted", "rejected", "sources"}, first: true,
			want: [][]string{{"TCP", "22", "8", "7", "1", "4"}}},
		{name: "InstanceConversations", params: map[string]string{"target": fxWebID}, cols: peerCols, sorted: true,
			want: append(slices.Clone(webPeers), webPeers6...)},
		{name: "InstanceConversations", params: map[string]string{"target": fxWebENI}, cols: peerCols, sorted: true,
			want: append(slices.Clone(webPeers), webPeers6...)},
		{name: "InstanceConversations", params: map[string]string{"target": fxWebIP}, cols: peerCols, sorted: true, want: webPeers},
		{name: "InstanceConversations", params: map[string]string{"target": fxBENI}, cols: peerCols,
			want: [][]string{{fxS3, "6", "2", "1000000", "20000", "0", "443"}}},
		{name: "InstanceConversations", params: map[string]string{"target": "203.0.113.77"}, cols: []string{"peer"},
			want: [][]string{}}, // 40 days ago
		{name: "InstanceConversations", params: map[string]string{"target": "203.0.113.77", "days": "45"}, cols: []string{"peer", "bytes_out"},
			want: [][]string{{fxWebIP, "3000"}}},
		{name: "InstanceConversations", params: map[string]string{"target": "'; drop table auditing.flowlogs; --"}, cols: []string{"peer"},
			want: [][]string{}},
		{name: "VpcFlowLogsAcceptedTraffic", cols: []string{"srcaddr", "dstaddr"}, first: true, count: accepted,
			want: [][]string{latestAccepted}},
		{name: "RejectedTCPTraffic", cols: []string{"srcaddr", "dstaddr", "dstport"}, first: true, count: rejectedTCP,
			want: [][]string{{fxScanner, fxWebIP, "1"}}},
		{name: "TopTalkingInstances", cols: []string{"account", "instance", "bytes"},
			want: [][]string{{acctA, fxWebID, fmt.Sprint(webBytes)}, {acctB, fxBENI, fmt.Sprint(bBytes)}, {acctA, fxWinID, fmt.Sprint(winBytes)}}},
		{name: "TotalBytesTransferred", cols: []string{"date", "account", "bytes", "packets", "accepted", "rejected"}, want: wantTotals},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := queries.Get(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if q.Table != TableFlowLogs || !q.Athena {
				t.Errorf("%s: table %s, athena %v", q.Name, q.Table, q.Athena)
			}
			bound, err := q.Bind(tc.params)
			if err != nil {
				t.Fatal(err)
			}
			res, err := eng.Query(t.Context(), bound, 0)
			if err != nil {
				t.Fatalf("%v\n%s", err, bound)
			}
			if tc.count > 0 && len(res.Rows) != tc.count {
				t.Errorf("%d rows, want %d", len(res.Rows), tc.count)
			}
			got := resultRows(t, res, tc.cols)
			if tc.first && len(got) > 0 {
				got = got[:1]
			}
			want := tc.want
			if tc.sorted {
				sortRows(got)
				sortRows(want)
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("%s %v (-want +got):\n%s", tc.name, tc.params, diff)
			}
		})
	}

	// No bound value, however hostile, changed the table.
	res, err := eng.Query(t.Context(), "select count(*) from auditing.flowlogs", 0)
	if err != nil || fmt.Sprint(res.Rows[0][0]) != fmt.Sprint(len(fx)) {
		t.Errorf("table has %v rows after the queries, want %d (%v)", res.Rows, len(fx), err)
	}
}

func TestFlowSavedQueriesAllCovered(t *testing.T) {
	src, err := os.ReadFile("flow_queries_exec_test.go")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, q := range queries.All() {
		if q.Table != TableFlowLogs {
			continue
		}
		n++
		if !bytes.Contains(src, []byte(`{name: "`+q.Name+`"`)) {
			t.Errorf("saved query %s has no execution case in TestFlowSavedQueriesExecute", q.Name)
		}
	}
	if n == 0 {
		t.Error("no flowlogs saved queries")
	}
}
