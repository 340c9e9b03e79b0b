package lake

import (
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/vigil"
)

func TestTermsOfJSON(t *testing.T) {
	long := strings.Repeat("x", maxTermLen+1)
	for _, tc := range []struct {
		name, json string
		want       []string
	}{
		{"values not keys", `{"instanceId":"i-0abc","bucketName":"my-bucket"}`, []string{"i-0abc", "my-bucket"}},
		{"nested and arrays", `{"a":{"b":["sg-1","sg-2",{"c":"vol-9"}]},"n":3,"t":true}`, []string{"sg-1", "sg-2", "vol-9"}},
		{"spaces before colon", `{"key" : "value", "k2":"v2" }`, []string{"v2", "value"}},
		{"escapes", `{"k":"a\"b","p":"arn:aws:s3:::b\/key","u":"\u00e9t\u00e9"}`, []string{"a\"b", "arn:aws:s3:::b/key", "été"}},
		{"too long", `{"doc":"` + long + `","id":"ok"}`, []string{"ok"}},
		{"newline in value", `{"k":"a\nb","j":"c"}`, []string{"c"}},
		{"empty and null", `{"k":"","j":null}`, nil},
		{"truncated", `{"k":"v1","j":"v2`, []string{"v1"}},
		{"not json", `hello "world"`, []string{"world"}},
		{"empty", ``, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := termSet{}
			s.addJSON(tc.json)
			var got []string
			for k := range s {
				got = append(got, k)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("terms (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzTermsOfJSON: never panics, terms are bounded, and for valid JSON
// every term is a string value of the document.
func FuzzTermsOfJSON(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":["b",{"c":"d\"e"}]}`, `"x"`, `{"k" : "v"}`, `{"a":"\u0041"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s := termSet{}
		s.addJSON(text)
		var doc any
		valid := json.Unmarshal([]byte(text), &doc) == nil
		values := map[string]bool{}
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				values[v] = true
			case []any:
				for _, x := range v {
					walk(x)
				}
			case map[string]any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(doc)
		for term := range s {
			if term == "" || len(term) > maxTermLen || strings.Contains(term, "\n") {
				t.Fatalf("term %q", term)
			}
			if valid && !values[term] {
				t.Fatalf("term %q is no string value of %s", term, text)
			}
		}
		if !valid {
			return
		}
		for v := range values {
			if v != "" && len(v) <= maxTermLen && !strings.Contains(v, "\n") && !s.hasTerm(v) {
				t.Fatalf("value %q of %s not indexed", v, text)
			}
		}
	})
}

func (s termSet) hasTerm(t string) bool { _, ok := s[t]; return ok }

// TestTermsIndex: written files carry their terms; lookups select the
// partitions that may hold a term; compaction keeps the union; a file
// without an index makes its partition a candidate for every term.
func TestTermsIndex(t *testing.T) {
	events, parts := fixtureEvents(t)
	dir := t.TempDir()
	writeByPartition(t, dir, events, parts, 7)
	var x TermIndex
	lookup := func(term string) []vigil.Partition {
		t.Helper()
		got, err := x.Lookup(dir, "", "", term)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, cmpPartition)
		return got
	}
	// Every event's terms lead to its partition.
	checked := 0
	for i, e := range events {
		s := termSet{}
		s.addEvent(&e)
		for term := range s {
			if !slices.Contains(lookup(term), parts[i]) {
				t.Fatalf("event %s: term %q does not lead to %v", e.EventID, term, parts[i])
			}
			checked++
			break
		}
	}
	if checked < 10 {
		t.Fatalf("only %d events with terms", checked)
	}
	if got := lookup("no-such-term-anywhere"); len(got) != 0 {
		t.Errorf("unknown term: %v", got)
	}

	// Compaction: the merged file's index is the union.
	uniq := slices.Clone(parts)
	slices.SortFunc(uniq, cmpPartition)
	uniq = slices.Compact(uniq)
	before := map[string][]vigil.Partition{}
	terms := []string{}
	for i := range events {
		s := termSet{}
		s.addEvent(&events[i])
		for term := range s {
			terms = append(terms, term)
		}
	}
	for _, term := range terms {
		before[term] = lookup(term)
	}
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Compact(t.Context(), l, TableCloudTrail, uniq)
	if err != nil || n == 0 {
		t.Fatalf("compacted %d partitions: %v", n, err)
	}
	l.Close()
	for _, term := range terms {
		if diff := cmp.Diff(before[term], lookup(term)); diff != "" {
			t.Fatalf("term %q after compaction (-before +after):\n%s", term, diff)
		}
	}

	// A file without an index: its partition is a candidate for any term.
	files, err := partitionFiles(filepath.Join(dir, TableCloudTrail), "", "")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	old := files[0]
	if _, ok, err := FileTerms(old.path); !ok || err != nil {
		t.Fatalf("%s: indexed %v, %v", old.path, ok, err)
	}
	stripTerms(t, old.path)
	if _, ok, err := FileTerms(old.path); ok || err != nil {
		t.Fatalf("%s after stripping: indexed %v, %v", old.path, ok, err)
	}
	if got := lookup("no-such-term-anywhere"); !slices.Equal(got, []vigil.Partition{old.p}) {
		t.Errorf("unknown term with an unindexed file: %v, want %v", got, old.p)
	}
}

// stripTerms rewrites a file without its terms index, as files written
// before the index were.
func stripTerms(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tmp := path + ".tmp"
	if _, err := db.ExecContext(t.Context(), "COPY (SELECT * FROM read_parquet("+quote(path)+")) TO "+quote(tmp)+" (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestTermsOverflow: a file with more terms than maxTerms, or a merge
// whose union has more, carries no index (its partition is then always a
// candidate).
func TestTermsOverflow(t *testing.T) {
	events, parts := fixtureEvents(t)
	defer func(n int) { maxTerms = n }(maxTerms)
	dir := t.TempDir()
	// Each file holds few events: give each at most 3 terms' room.
	maxTerms = 3
	writeByPartition(t, dir, events, parts, 1)
	files, err := partitionFiles(filepath.Join(dir, TableCloudTrail), "", "")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	indexed, unindexed := 0, 0
	for _, pf := range files {
		ts, ok, err := FileTerms(pf.path)
		switch {
		case err != nil:
			t.Fatal(err)
		case ok && len(ts) > maxTerms:
			t.Errorf("%s: %d terms indexed, more than %d", pf.path, len(ts), maxTerms)
		case ok:
			indexed++
		default:
			unindexed++
		}
	}
	if indexed == 0 || unindexed == 0 {
		t.Fatalf("%d files indexed, %d not: the fixture should give both", indexed, unindexed)
	}
	var x TermIndex
	got, err := x.Lookup(dir, "", "", "no-such-term-anywhere")
	if err != nil || len(got) == 0 {
		t.Errorf("unknown term with unindexed files: %v, %v", got, err)
	}
	// Merging indexed files whose union is too large leaves no index.
	var small []string
	for _, pf := range files {
		if ts, ok, _ := FileTerms(pf.path); ok && len(ts) > 0 {
			small = append(small, pf.path)
		}
	}
	maxTerms = 0
	if _, ok, err := mergeTerms(small); ok || err != nil {
		t.Errorf("merge past maxTerms: indexed %v, %v", ok, err)
	}
}
