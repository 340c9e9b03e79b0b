package lake

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// The terms index. Looking an identifier up in CloudTrail ("which events
// name i-0abc… or my-bucket?") means searching the requestParameters and
// responseElements JSON of every event, the two largest columns: on a
// few million events, a second or more. So each cloudtrail file carries,
// in its Parquet footer's key-value metadata (key termsKey), the sorted
// distinct string values its events' request parameters and response
// elements hold (up to maxTermLen bytes), the ARNs of their resources and
// the user names of their identities: zstd-compressed, base64,
// newline-separated. A search reads
// the footers (cached by the console) and decodes only the files that can
// match. Files written before the index existed, or merged from such
// files, have no key: a search must read them.
const (
	termsKey   = "vigil.terms.v2"
	maxTermLen = 256
)

// maxTerms bounds a file's index (a few MB): past it (S3 data events
// naming a million objects, say) the file is left unindexed. A variable
// for tests.
var maxTerms = 200_000

// termSet collects a file's distinct terms while it is written.
type termSet map[string]struct{}

// addEvent adds the terms of e.
func (s termSet) addEvent(e *vigil.Event) {
	s.addJSON(e.RequestParameters)
	s.addJSON(e.ResponseElements)
	for _, r := range e.Resources {
		s.add(r.ARN)
	}
	s.add(e.UserIdentity.UserName)
	if sc := e.UserIdentity.SessionContext; sc != nil && sc.SessionIssuer != nil {
		s.add(sc.SessionIssuer.UserName)
	}
}

func (s termSet) add(t string) {
	if t == "" || len(t) > maxTermLen || strings.ContainsRune(t, '\n') {
		return
	}
	if _, ok := s[t]; !ok {
		s[strings.Clone(t)] = struct{}{}
	}
}

// addJSON adds every string value (not object keys) of a JSON text.
// Malformed text yields what was read before the damage.
func (s termSet) addJSON(text string) {
	for i := 0; i < len(text); i++ {
		if text[i] != '"' {
			continue
		}
		// A string token: find its end, noting escapes.
		j, escaped := i+1, false
		for j < len(text) && text[j] != '"' {
			if text[j] == '\\' {
				escaped = true
				j++
			}
			j++
		}
		if j >= len(text) {
			return
		}
		tok := text[i : j+1]
		k := j + 1
		for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r') {
			k++
		}
		if k < len(text) && text[k] == ':' { // an object key
			i = j
			continue
		}
		if len(tok)-2 <= maxTermLen*2 {
			v := tok[1 : len(tok)-1]
			if escaped || !utf8.ValidString(v) { // as a JSON decoder reads it
				var u string
				if json.Unmarshal([]byte(tok), &u) != nil {
					i = j
					continue
				}
				v = u
			}
			s.add(v)
		}
		i = j
	}
}

var (
	termsEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
	termsDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
)

// encode returns the metadata value of the set.
func (s termSet) encode() string {
	terms := make([]string, 0, len(s))
	for t := range s {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	return encodeTerms(terms)
}

func encodeTerms(sorted []string) string {
	raw := strings.Join(sorted, "\n")
	return base64.StdEncoding.EncodeToString(termsEncoder.EncodeAll([]byte(raw), nil))
}

// Terms are a file's indexed terms, sorted.
type Terms []string

// Has reports whether t is among the terms.
func (ts Terms) Has(t string) bool {
	_, found := slices.BinarySearch(ts, t)
	return found
}

func decodeTerms(v string) (Terms, error) {
	z, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, err
	}
	raw, err := termsDecoder.DecodeAll(z, nil)
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return Terms{}, nil
	}
	ts := Terms(strings.Split(string(raw), "\n"))
	if !slices.IsSorted(ts) {
		return nil, fmt.Errorf("terms not sorted")
	}
	return ts, nil
}

// FileTerms reads the terms index of a cloudtrail file; ok is false when
// the file has none (written before the index, or merged from such files).
func FileTerms(path string) (ts Terms, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	pf, err := parquet.OpenFile(f, info.Size(), parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	v, ok := pf.Lookup(termsKey)
	if !ok {
		return nil, false, nil
	}
	ts, err = decodeTerms(v)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: terms index: %w", path, err)
	}
	return ts, true, nil
}

// mergeTerms unions the terms of files being merged into one; ok is false
// when one of them has none (the merged file then has none either).
func mergeTerms(paths []string) (value string, ok bool, err error) {
	var all []string
	for _, p := range paths {
		ts, has, err := FileTerms(p)
		if err != nil || !has {
			return "", false, err
		}
		all = append(all, ts...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	if len(all) > maxTerms {
		return "", false, nil
	}
	return encodeTerms(all), true, nil
}

// TermIndex caches files' terms by path, size and modification time (a
// lake file never changes once committed; compaction writes new ones).
// It is safe for concurrent use.
type TermIndex struct {
	mu    sync.Mutex
	files map[string]termEntry
}

type termEntry struct {
	size, mtime int64
	terms       Terms
	indexed     bool
}

// Lookup returns the partitions of the lake's cloudtrail table whose date
// lies in [since, until] that may hold events naming term: those with a
// file whose index has it, and those with a file without an index.
func (x *TermIndex) Lookup(dir, since, until, term string) ([]vigil.Partition, error) {
	files, err := partitionFiles(filepath.Join(dir, TableCloudTrail), since, until)
	if err != nil {
		return nil, err
	}
	var out []vigil.Partition
	seen := map[vigil.Partition]bool{}
	for _, pf := range files {
		e, ok := x.entry(pf.path)
		if !ok { // compacted away since the listing
			continue
		}
		if !seen[pf.p] && (!e.indexed || e.terms.Has(term)) {
			seen[pf.p] = true
			out = append(out, pf.p)
		}
	}
	x.forget(files)
	return out, nil
}

// entry returns a file's cached terms, reading them when the file is new
// or changed. A file whose index cannot be read counts as unindexed (a
// search then reads the file, and reports its damage); ok is false when
// the file is gone.
func (x *TermIndex) entry(path string) (e termEntry, ok bool) {
	info, err := os.Stat(path)
	if err != nil {
		return termEntry{}, false
	}
	x.mu.Lock()
	e, ok = x.files[path]
	x.mu.Unlock()
	if ok && e.size == info.Size() && e.mtime == info.ModTime().UnixNano() {
		return e, true
	}
	ts, indexed, err := FileTerms(path)
	if errors.Is(err, fs.ErrNotExist) {
		return termEntry{}, false
	}
	e = termEntry{size: info.Size(), mtime: info.ModTime().UnixNano(), terms: ts, indexed: indexed && err == nil}
	x.mu.Lock()
	if x.files == nil {
		x.files = map[string]termEntry{}
	}
	x.files[path] = e
	x.mu.Unlock()
	return e, true
}

// forget drops the cached entries of files that no longer exist (merged
// by compaction) once the cache holds many more files than a lookup lists.
func (x *TermIndex) forget(listed []partitionFile) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(x.files) <= 2*len(listed)+1024 {
		return
	}
	for p := range x.files {
		if _, err := os.Stat(p); err != nil {
			delete(x.files, p)
		}
	}
}
