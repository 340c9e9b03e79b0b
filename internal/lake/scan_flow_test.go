package lake

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/parquet-go/parquet-go"

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

// TestFlowColumnarMatchesGeneric scans files of records with every field
// and random NULLs, in many row groups, as written by Vigil and after
// DuckDB compacted them, and compares the columnar decoder's records with
// parquet-go's generic reader's.
func TestFlowColumnarMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := l.Begin()
	if err != nil {
		t.Fatal(err)
	}
	w := NewFlowWriter(tx, WriterOptions{RowGroupRows: 700})
	parts := []vigil.Partition{
		{Account: "111122223333", Region: "us-east-1", Date: "2024-03-01"},
		{Account: "111122223333", Region: "eu-west-1", Date: "2024-03-01"},
		{Account: "444455556666", Region: "us-east-1", Date: "2024-03-02"},
	}
	const per = 3000
	for _, p := range parts {
		recs := make([]vigil.FlowRecord, per)
		for i := range recs {
			r := &recs[i]
			for f := range vigil.NumFlowFields {
				if f == vigil.FlowRegion || (f != vigil.FlowVersion && rng.IntN(4) == 0) {
					continue
				}
				switch {
				case f == vigil.FlowVersion:
					r.SetInt(f, int64(2+rng.IntN(4)))
				case vigil.FlowNumeric(f):
					r.SetInt(f, rng.Int64N(1<<40))
				case rng.IntN(2) == 0: // few distinct values
					r.SetStr(f, fmt.Sprintf("%s-%d", vigil.FlowFieldNames[f], rng.IntN(5)))
				default: // many
					r.SetStr(f, fmt.Sprintf("%d.%d.%d.%d", rng.IntN(256), rng.IntN(256), rng.IntN(256), rng.IntN(256)))
				}
			}
		}
		if err := w.Write(p, "src", recs); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	compare := func(t *testing.T) {
		files, err := partitionFiles(filepath.Join(dir, TableFlowLogs), "", "")
		if err != nil || len(files) == 0 {
			t.Fatalf("%d files, %v", len(files), err)
		}
		var want []vigil.FlowRecord
		for _, pf := range files {
			f, rgs, err := openParquet(pf.path)
			if err != nil {
				t.Fatal(err)
			}
			for _, rg := range rgs {
				if _, ok := flowColumnsOf(rg.Schema()); !ok {
					t.Fatalf("%s: the columnar decoder refused the schema", pf.path)
				}
				rows := make([]flowRow, rg.NumRows())
				r := parquet.NewGenericRowGroupReader[flowRow](rg)
				if n, err := r.Read(rows); n != len(rows) || (err != nil && err != io.EOF) {
					t.Fatalf("generic read: %d, %v", n, err)
				}
				r.Close()
				for i := range rows {
					var rec vigil.FlowRecord
					rows[i].toFlow(&rec, pf.p.Region)
					want = append(want, rec)
				}
			}
			f.Close()
		}
		var got []vigil.FlowRecord
		err = ScanFlowLogs(t.Context(), dir, "", "", func(r *vigil.FlowRecord, _ vigil.Partition) error {
			got = append(got, *r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != len(parts)*per {
			t.Fatalf("generic reader: %d records, want %d", len(want), len(parts)*per)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-generic +columnar):\n%s", diff)
		}
		// Concurrently: the same records, in another order.
		var mu sync.Mutex
		var conc []vigil.FlowRecord
		err = ScanFlowLogs(t.Context(), dir, "", "", func(r *vigil.FlowRecord, _ vigil.Partition) error {
			mu.Lock()
			defer mu.Unlock()
			conc = append(conc, *r)
			return nil
		}, Concurrently())
		if err != nil {
			t.Fatal(err)
		}
		key := func(r vigil.FlowRecord) string { return fmt.Sprint(r.Int, r.Str, r.Present) }
		sortRecs := func(rs []vigil.FlowRecord) []string {
			out := make([]string, len(rs))
			for i, r := range rs {
				out[i] = key(r)
			}
			slices.Sort(out)
			return out
		}
		if diff := cmp.Diff(sortRecs(want), sortRecs(conc)); diff != "" {
			t.Errorf("concurrent scan (-generic +concurrent):\n%s", diff)
		}
	}
	t.Run("parquet-go", compare)
	if _, err := Compact(t.Context(), l, TableFlowLogs, parts); err != nil {
		t.Fatal(err)
	}
	l.Close()
	t.Run("duckdb", compare)
}

func TestScanFlowLogsRefusesColumns(t *testing.T) {
	err := ScanFlowLogs(t.Context(), t.TempDir(), "", "", func(*vigil.FlowRecord, vigil.Partition) error { return nil }, Columns("srcaddr"))
	if err == nil {
		t.Error("Columns on a flow-log scan: no error")
	}
}
