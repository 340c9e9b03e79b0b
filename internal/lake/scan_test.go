package lake

import (
	"context"
	"errors"
	"github.com/parquet-go/parquet-go"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// fixtureEvents reads every CloudTrail fixture of the cloudtrail package
// (varied shapes: sign-ins, data events, service events, unicode, odd
// nesting) plus fullEvent, and gives each a partition of its own event.
func fixtureEvents(t *testing.T) ([]vigil.Event, []vigil.Partition) {
	t.Helper()
	var events []vigil.Event
	var parts []vigil.Partition
	files, _ := filepath.Glob("../cloudtrail/testdata/*.json*")
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		r := cloudtrail.NewReader(f)
		for {
			var e vigil.Event
			err := r.Next(&e)
			if errors.Is(err, vigil.ErrMalformedRecord) {
				continue
			}
			if err != nil {
				break
			}
			p, ok := cloudtrail.EventPartition(&e)
			if !ok {
				p = vigil.Partition{Account: "000000000000", Region: "none", Date: "2020-01-01"}
			}
			events = append(events, e)
			parts = append(parts, p)
		}
		f.Close()
	}
	var full vigil.Event
	if err := cloudtrail.ParseEvent([]byte(fullEvent), &full); err != nil {
		t.Fatal(err)
	}
	p, _ := cloudtrail.EventPartition(&full)
	events, parts = append(events, full), append(parts, p)
	if len(events) < 30 {
		t.Fatalf("only %d fixture events", len(events))
	}
	return events, parts
}

// writeByPartition writes events in transactions of `per` events, each
// partition's events in input order.
func writeByPartition(t *testing.T, dir string, events []vigil.Event, parts []vigil.Partition, per int) {
	t.Helper()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for start := 0; start < len(events); start += per {
		tx, err := l.Begin()
		if err != nil {
			t.Fatal(err)
		}
		w := NewCloudTrailWriter(tx, WriterOptions{RowGroupRows: 3})
		for i := start; i < min(start+per, len(events)); i++ {
			if err := w.Write(parts[i], "src", events[i:i+1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

type scanned struct {
	e vigil.Event
	p vigil.Partition
}

func scanAll(t *testing.T, dir, since, until string) []scanned {
	t.Helper()
	var out []scanned
	err := ScanCloudTrail(t.Context(), dir, since, until, func(e *vigil.Event, p vigil.Partition) error {
		out = append(out, scanned{*e, p})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestScanCloudTrailRoundTrip(t *testing.T) {
	events, parts := fixtureEvents(t)
	dir := t.TempDir()
	writeByPartition(t, dir, events, parts, 7)

	check := func(t *testing.T, got []scanned, since, until string) {
		t.Helper()
		var want []scanned
		for i := range events {
			if (since == "" || parts[i].Date >= since) && (until == "" || parts[i].Date <= until) {
				want = append(want, scanned{events[i], parts[i]})
			}
		}
		// Partition order: date, account, region.
		if !slices.IsSortedFunc(got, func(a, b scanned) int {
			return cmpPartition(a.p, b.p)
		}) {
			t.Error("events not in partition order")
		}
		key := func(s scanned) string {
			return s.p.Date + s.p.Account + s.p.Region + s.e.EventID + s.e.EventTime + s.e.EventName
		}
		sortBy := func(s []scanned) {
			slices.SortStableFunc(s, func(a, b scanned) int { return cmpString(key(a), key(b)) })
		}
		sortBy(want)
		sortBy(got)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(scanned{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("scanned events (-want +got):\n%s", diff)
		}
	}
	got := scanAll(t, dir, "", "")
	check(t, got, "", "")
	// Partitions of one day, and an open end.
	day := parts[len(parts)-1].Date
	check(t, scanAll(t, dir, day, day), day, day)
	check(t, scanAll(t, dir, "2020-10-23", ""), "2020-10-23", "")
	check(t, scanAll(t, dir, "", "2019-12-31"), "", "2019-12-31")

	// After compaction (files rewritten by DuckDB), the same events.
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	uniq := slices.Clone(parts)
	slices.SortFunc(uniq, cmpPartition)
	uniq = slices.Compact(uniq)
	n, err := Compact(t.Context(), l, TableCloudTrail, uniq)
	l.Close()
	if err != nil || n == 0 {
		t.Fatalf("compact: %d, %v", n, err)
	}
	check(t, scanAll(t, dir, "", ""), "", "")
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpPartition(a, b vigil.Partition) int {
	if c := cmpString(a.Date, b.Date); c != 0 {
		return c
	}
	if c := cmpString(a.Account, b.Account); c != 0 {
		return c
	}
	return cmpString(a.Region, b.Region)
}

func TestScanCloudTrailErrors(t *testing.T) {
	// No lake, no table: nothing to scan.
	if err := ScanCloudTrail(t.Context(), t.TempDir(), "", "", func(*vigil.Event, vigil.Partition) error {
		t.Fatal("called")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	events, parts := fixtureEvents(t)
	dir := t.TempDir()
	writeByPartition(t, dir, events, parts, 3)
	// An error from fn stops the scan and comes back as is.
	stop := errors.New("stop")
	calls := 0
	err := ScanCloudTrail(t.Context(), dir, "", "", func(*vigil.Event, vigil.Partition) error {
		calls++
		if calls == 5 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 5 {
		t.Errorf("err %v after %d calls", err, calls)
	}
	// A damaged file is an error, not a panic.
	files, _ := filepath.Glob(filepath.Join(dir, TableCloudTrail, "*", "*", "*", "*.parquet"))
	b, _ := os.ReadFile(files[0])
	os.WriteFile(files[0], b[:len(b)/2], 0o644)
	if err := ScanCloudTrail(t.Context(), dir, "", "", func(*vigil.Event, vigil.Partition) error { return nil }); err == nil {
		t.Error("damaged file scanned without error")
	}
	os.WriteFile(files[0], append(b[:len(b)/2:len(b)/2], make([]byte, len(b)/2+len(b)%2)...), 0o644)
	if err := ScanCloudTrail(t.Context(), dir, "", "", func(*vigil.Event, vigil.Partition) error { return nil }); err == nil {
		t.Error("zeroed file scanned without error")
	}
	// A cancelled context stops the scan.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := ScanCloudTrail(ctx, dir, "", "", func(*vigil.Event, vigil.Partition) error { return nil }); err == nil {
		t.Error("cancelled scan returned nil")
	}
}

func TestCloudTrailAccounts(t *testing.T) {
	events, parts := fixtureEvents(t)
	dir := t.TempDir()
	if a, err := CloudTrailAccounts(dir); err != nil || len(a) != 0 {
		t.Errorf("empty lake: %v %v", a, err)
	}
	writeByPartition(t, dir, events, parts, 100)
	got, err := CloudTrailAccounts(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range parts {
		want = append(want, p.Account)
	}
	slices.Sort(want)
	if diff := cmp.Diff(slices.Compact(want), got); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
}

// TestColumnarMatchesGeneric decodes every row group of a lake, before and
// after compaction (files written by parquet-go, then by DuckDB), with the
// columnar decoder and with parquet-go's generic reader and ctRow.toEvent.
func TestColumnarMatchesGeneric(t *testing.T) {
	events, parts := fixtureEvents(t)
	dir := t.TempDir()
	writeByPartition(t, dir, events, parts, 5)
	compare := func(t *testing.T) {
		files, err := partitionFiles(filepath.Join(dir, TableCloudTrail), "", "")
		if err != nil || len(files) == 0 {
			t.Fatalf("%d files, %v", len(files), err)
		}
		total := 0
		for _, pf := range files {
			f, rgs, err := openParquet(pf.path)
			if err != nil {
				t.Fatal(err)
			}
			for _, rg := range rgs {
				cols, ok := columnsOf(rg.Schema(), nil)
				if !ok || len(cols) != len(leafSetters) {
					t.Fatalf("%s: columnar decoder refused the schema (%d columns)", pf.path, len(cols))
				}
				got := make([]vigil.Event, rg.NumRows())
				d := &rowDecoder{keys: map[*vigil.Event][]string{}}
				for i := range cols {
					if err := decodeColumn(d, got, &cols[i], rg.ColumnChunks()[cols[i].index]); err != nil {
						t.Fatal(err)
					}
				}
				r := parquet.NewGenericRowGroupReader[ctRow](rg)
				rows := make([]ctRow, rg.NumRows())
				if n, err := r.Read(rows); n != len(rows) || (err != nil && err != io.EOF) {
					t.Fatalf("generic read: %d, %v", n, err)
				}
				want := make([]vigil.Event, len(rows))
				for i := range rows {
					rows[i].toEvent(&want[i])
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s (-generic +columnar):\n%s", pf.path, diff)
				}
				total += len(got)
			}
			f.Close()
		}
		if total != len(events) {
			t.Errorf("decoded %d of %d events", total, len(events))
		}
	}
	t.Run("parquet-go", compare)
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	uniq := slices.Clone(parts)
	slices.SortFunc(uniq, cmpPartition)
	if _, err := Compact(t.Context(), l, TableCloudTrail, slices.Compact(uniq)); err != nil {
		t.Fatal(err)
	}
	l.Close()
	t.Run("duckdb", compare)
}

// TestScanColumns: a scan limited to some columns fills those fields as a
// full scan does and leaves the others empty; unknown names are refused.
func TestScanColumns(t *testing.T) {
	events, parts := fixtureEvents(t)
	dir := t.TempDir()
	writeByPartition(t, dir, events, parts, 5)
	full := scanAll(t, dir, "", "")
	var got []vigil.Event
	err := ScanCloudTrail(t.Context(), dir, "", "", func(e *vigil.Event, _ vigil.Partition) error {
		got = append(got, *e)
		return nil
	}, Columns("eventName", "useridentity.sessioncontext.sessionissuer", "resources"))
	if err != nil {
		t.Fatal(err)
	}
	var want []vigil.Event
	issuers, resources := 0, 0
	for _, s := range full {
		w := vigil.Event{EventName: s.e.EventName, Resources: s.e.Resources}
		if sc := s.e.UserIdentity.SessionContext; sc != nil { // present, if only with other fields
			w.UserIdentity.SessionContext = &vigil.SessionContext{SessionIssuer: sc.SessionIssuer}
			if sc.SessionIssuer != nil {
				issuers++
			}
		}
		resources += len(w.Resources)
		want = append(want, w)
	}
	if issuers == 0 || resources == 0 {
		t.Fatalf("fixture has %d session issuers and %d resources: the test needs both", issuers, resources)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("projected scan (-want +got):\n%s", diff)
	}
	err = ScanCloudTrail(t.Context(), dir, "", "", func(*vigil.Event, vigil.Partition) error { return nil }, Columns("eventname", "useridentity.nosuch"))
	if err == nil || !strings.Contains(err.Error(), `"useridentity.nosuch"`) {
		t.Errorf("unknown column: %v", err)
	}
}

// TestScanConcurrently: a concurrent scan calls fn for the same events
// as a serial one, from several goroutines.
func TestScanConcurrently(t *testing.T) {
	events, parts := fixtureEvents(t)
	dir := t.TempDir()
	writeByPartition(t, dir, events, parts, 2)
	ids := func(opts ...ScanOption) []string {
		var mu sync.Mutex
		var out []string
		err := ScanCloudTrail(t.Context(), dir, "", "", func(e *vigil.Event, p vigil.Partition) error {
			mu.Lock()
			defer mu.Unlock()
			out = append(out, p.Date+"/"+e.EventID)
			return nil
		}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	serial := ids()
	if len(serial) != len(events) {
		t.Fatalf("serial scan: %d of %d events", len(serial), len(events))
	}
	if diff := cmp.Diff(serial, ids(Concurrently())); diff != "" {
		t.Errorf("concurrent scan (-serial +concurrent):\n%s", diff)
	}
	stop := errors.New("stop")
	err := ScanCloudTrail(t.Context(), dir, "", "", func(*vigil.Event, vigil.Partition) error { return stop }, Concurrently())
	if !errors.Is(err, stop) {
		t.Errorf("fn error: %v", err)
	}
}

// TestPlainColumns: each plain column's field is the one its setter sets.
func TestPlainColumns(t *testing.T) {
	for i, name := range plainColumns {
		set, ok := leafSetters[name]
		if !ok {
			t.Fatalf("%s: no such column", name)
		}
		var viaSetter, viaPlain vigil.Event
		set(&rowDecoder{}, &viaSetter, 0, "x")
		*plainField(&viaPlain, i) = "x"
		if diff := cmp.Diff(viaSetter, viaPlain); diff != "" {
			t.Errorf("%s (-setter +plainField):\n%s", name, diff)
		}
	}
}
