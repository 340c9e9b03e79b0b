package lake

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/vigil"
)

func scanFlowFixture() ([]vigil.FlowRecord, []vigil.Partition) {
	mk := func(version int64, iface, src, dst string, sport, dport, start int64, action string) vigil.FlowRecord {
		var r vigil.FlowRecord
		r.SetInt(vigil.FlowVersion, version)
		r.SetStr(vigil.FlowAccountID, "111122223333")
		r.SetStr(vigil.FlowInterfaceID, iface)
		r.SetStr(vigil.FlowSrcAddr, src)
		r.SetStr(vigil.FlowDstAddr, dst)
		r.SetInt(vigil.FlowSrcPort, sport)
		r.SetInt(vigil.FlowDstPort, dport)
		r.SetInt(vigil.FlowProtocol, 6)
		r.SetInt(vigil.FlowPackets, 3)
		r.SetInt(vigil.FlowBytes, 180)
		r.SetInt(vigil.FlowStart, start)
		r.SetInt(vigil.FlowEnd, start+5)
		r.SetStr(vigil.FlowAction, action)
		r.SetStr(vigil.FlowLogStatus, "OK")
		return r
	}
	v5 := mk(5, "eni-2", "10.0.0.5", "198.51.100.7", 40000, 443, 1_700_000_100, "ACCEPT")
	v5.SetStr(vigil.FlowInstanceID, "i-0123")
	v5.SetStr(vigil.FlowFlowDirection, "egress")
	v5.SetInt(vigil.FlowTCPFlags, 2)
	v5.SetInt(vigil.FlowTrafficPath, 8)
	v5.SetStr(vigil.FlowRegion, "eu-west-1")
	recs := []vigil.FlowRecord{
		mk(2, "eni-1", "203.0.113.9", "10.0.0.4", 50000, 22, 1_700_000_000, "REJECT"),
		mk(2, "eni-1", "10.0.0.4", "203.0.113.9", 22, 50000, 1_700_000_000, "ACCEPT"),
		v5,
	}
	parts := []vigil.Partition{
		{Account: "111122223333", Region: "us-east-1", Date: "2023-11-14"},
		{Account: "111122223333", Region: "us-east-1", Date: "2023-11-14"},
		{Account: "111122223333", Region: "eu-west-1", Date: "2023-11-15"},
	}
	return recs, parts
}

func TestScanFlowLogsRoundTrip(t *testing.T) {
	recs, parts := scanFlowFixture()
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
	w := NewFlowWriter(tx, WriterOptions{RowGroupRows: 1})
	for i := range recs {
		if err := w.Write(parts[i], "src", recs[i:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	scan := func(since, until string) ([]vigil.FlowRecord, []vigil.Partition) {
		var got []vigil.FlowRecord
		var gotParts []vigil.Partition
		err := ScanFlowLogs(t.Context(), dir, since, until, func(r *vigil.FlowRecord, p vigil.Partition) error {
			got = append(got, *r)
			gotParts = append(gotParts, p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got, gotParts
	}
	got, gotParts := scan("", "")
	if diff := cmp.Diff(recs, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(parts, gotParts); diff != "" {
		t.Errorf("partitions (-want +got):\n%s", diff)
	}
	if got, _ := scan("2023-11-15", ""); len(got) != 1 {
		t.Errorf("since 2023-11-15: %d records, want 1", len(got))
	}
	if got, _ := scan("", "2023-11-14"); len(got) != 2 {
		t.Errorf("until 2023-11-14: %d records, want 2", len(got))
	}
	if got, _ := scan("2024-01-01", ""); len(got) != 0 {
		t.Errorf("after the data: %d records", len(got))
	}
	stop := errors.New("stop")
	n := 0
	err = ScanFlowLogs(t.Context(), dir, "", "", func(*vigil.FlowRecord, vigil.Partition) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn error: %v after %d records", err, n)
	}
	if err := ScanFlowLogs(t.Context(), t.TempDir(), "", "", func(*vigil.FlowRecord, vigil.Partition) error { return nil }); err != nil {
		t.Errorf("empty lake: %v", err)
	}
}
