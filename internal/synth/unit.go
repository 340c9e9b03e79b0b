package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/klauspost/compress/gzip"
)

// gzipLevel trades ratio for speed: BestSpeed compresses these records
// about 6:1 at ~350 MB/s per core (the default level: 6.4:1 at ~150 MB/s).
// Gzip is most of the cost of Generate; the files decode the same.
const gzipLevel = gzip.BestSpeed

// windowsPerDay is the number of 5-minute delivery windows in a day.
const windowsPerDay = 24 * 12

// diurnal weights activity by UTC hour: busy working hours, quiet nights.
var diurnal = [24]float64{
	0.35, 0.3, 0.3, 0.3, 0.35, 0.45, 0.6, 0.8, 1, 1, 1, 1,
	0.95, 1, 1, 1, 0.95, 0.85, 0.7, 0.6, 0.5, 0.45, 0.4, 0.35,
}

// gen generates one unit (account, region, day) at a time. A gen is owned
// by one goroutine; Generate pools them.
type gen struct {
	pcg  *rand.PCG
	r    *rand.Rand
	o    *org
	acct *account
	rg   *regional
	ai   int
	ri   int
	di   int

	region     string
	home       bool // global services log here
	day        time.Time
	datePrefix []byte // "2006-01-02T"
	dayPath    string // "2006/01/02"
	compact    string // "20060102"
	sec        int    // time of the record being built

	e                        rec
	req, resp, add, svc, ins jw
	resBuf                   []resource
	creationBuf              []byte
	hosts                    map[string]string
	bucketHosts              []string
	fnARNs                   []string
	tableARNs                []string
	privIPs                  []string
	tokens                   []string // session tokens of the unit's AssumeRole responses
	acts                     *actionTable

	raw   jw
	zbuf  bytes.Buffer
	gz    *gzip.Writer
	times []int32
	files []fileSpec
	perm  [windowsPerDay]int16
	logs  []logFile
}

// fileSpec is one log file to write: its window and its number of routine records.
type fileSpec struct {
	win   int
	count int
}

// logFile is what a digest says about a log file.
type logFile struct {
	key            string
	hash           [32]byte
	oldest, newest int // seconds of the day
}

func newGen(o *org) *gen {
	pcg := rand.NewPCG(0, 0)
	g := &gen{pcg: pcg, r: rand.New(pcg), o: o, hosts: make(map[string]string)}
	g.gz, _ = gzip.NewWriterLevel(&g.zbuf, gzipLevel) // the level is a valid constant
	return g
}

// setup points g at a unit and reseeds it from the unit's coordinates only.
func (g *gen) setup(ai, ri, di int) {
	o := g.o
	h := mix(uint64(o.o.Seed))
	for _, c := range []uint64{streamUnit, uint64(ai), strHash(o.o.Regions[ri]), uint64(di)} {
		h = mix(h ^ c)
	}
	g.pcg.Seed(h, mix(h^0x5eed))
	g.ai, g.ri, g.di = ai, ri, di
	g.acct = o.accounts[ai]
	g.rg = &g.acct.regions[ri]
	g.region = o.o.Regions[ri]
	g.home = ri == o.home
	g.day = o.start.AddDate(0, 0, di)
	g.datePrefix = g.day.AppendFormat(g.datePrefix[:0], "2006-01-02T")
	g.dayPath = g.day.Format("2006/01/02")
	g.compact = g.day.Format("20060102")
	clear(g.hosts)
	g.bucketHosts = g.bucketHosts[:0]
	for _, b := range g.rg.buckets {
		g.bucketHosts = append(g.bucketHosts, b+".s3."+g.region+".amazonaws.com")
	}
	g.fnARNs = g.fnARNs[:0]
	for _, f := range g.rg.functions {
		g.fnARNs = append(g.fnARNs, "arn:aws:lambda:"+g.region+":"+g.acct.id+":function:"+f)
	}
	g.tableARNs = g.tableARNs[:0]
	for _, t := range g.rg.tables {
		g.tableARNs = append(g.tableARNs, "arn:aws:dynamodb:"+g.region+":"+g.acct.id+":table/"+t)
	}
	r := newRand(o.o.Seed, streamProfile, uint64(ai), strHash(g.region), 1)
	g.privIPs = g.privIPs[:0]
	for range 4 {
		g.privIPs = append(g.privIPs, randPrivateIPv4(r))
	}
	// Session tokens are ~600 random characters; a small pool per unit
	// keeps them realistic without paying for fresh randomness each time.
	g.tokens = g.tokens[:0]
	for range 8 {
		g.tokens = append(g.tokens, "IQoJb3JpZ2luX2Vj"+randChars(g.r, b64chars, 600))
	}
	g.acts = regionalActions
	if g.home {
		g.acts = homeActions
	}
	g.logs = g.logs[:0]
}

// host returns the regional endpoint of a service given its event source.
func (g *gen) host(source string) string {
	if h, ok := g.hosts[source]; ok {
		return h
	}
	prefix := source
	if i := len(source) - len(".amazonaws.com"); i > 0 {
		prefix = source[:i]
	}
	h := prefix + "." + g.region + ".amazonaws.com"
	g.hosts[source] = h
	return h
}

// creation returns the session creation date for a record at sec: the top
// of the hour, when the session's credentials were last refreshed.
func (g *gen) creation(sec int) []byte {
	b := append(g.creationBuf[:0], g.datePrefix...)
	b = appendClock(b, sec-sec%3600)
	b = append(b, 'Z')
	g.creationBuf = b
	return b
}

// run generates and writes one unit.
func (g *gen) run(ctx context.Context, ai, ri, di int) (Stats, error) {
	var st Stats
	if err := ctx.Err(); err != nil {
		return st, err
	}
	g.setup(ai, ri, di)
	o := g.o
	planned := o.byUnit[o.unitIndex(ai, ri, di)]
	n := o.o.EventsPerDay
	if n > 0 {
		n = n * (90 + g.r.IntN(21)) / 100
	}
	g.layout(n, planned)

	prefix := o.keyPrefix(ai) + "CloudTrail/" + g.region + "/" + g.dayPath + "/"
	if len(g.files) > 0 {
		if err := os.MkdirAll(filepath.Join(o.o.Dir, filepath.FromSlash(prefix)), 0o755); err != nil {
			return st, fmt.Errorf("create log directory: %w", err)
		}
	}
	next := 0 // next planned record
	for fi := 0; fi < len(g.files); fi++ {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		f := g.files[fi]
		base := f.win * 300
		g.times = g.times[:0]
		for range f.count {
			g.times = append(g.times, int32(base+g.r.IntN(300)))
		}
		slices.Sort(g.times)
		// Planned records of this window go to its first file.
		end := next
		if fi == 0 || g.files[fi-1].win != f.win {
			for end < len(planned) && planned[end].sec/300 == f.win {
				end++
			}
		}
		if len(g.times) == 0 && end == next {
			continue
		}
		g.raw.b = append(g.raw.b[:0], `{"Records":[`...)
		g.raw.c = false
		oldest, newest := 86400, -1
		ti := 0
		for ti < len(g.times) || next < end {
			if next < end && (ti == len(g.times) || planned[next].sec <= int(g.times[ti])) {
				pl := planned[next]
				next++
				g.sec = pl.sec
				pl.build(g, pl)
				g.e.id = &pl.eventID
			} else {
				g.sec = int(g.times[ti])
				ti++
				g.background()
			}
			g.writeRecord(&g.raw)
			g.resBuf = g.e.resources[:0]
			st.Events++
			oldest, newest = min(oldest, g.sec), max(newest, g.sec)
		}
		g.raw.b = append(g.raw.b, "]}"...)

		name := g.fileName(f.win)
		key := prefix + name
		size, err := g.writeFile(filepath.Join(o.o.Dir, filepath.FromSlash(key)), g.raw.b)
		if err != nil {
			return st, err
		}
		st.Files++
		st.RawBytes += int64(len(g.raw.b))
		st.Bytes += size
		if o.o.Digests {
			g.logs = append(g.logs, logFile{key: key, hash: sha256.Sum256(g.raw.b), oldest: oldest, newest: newest})
		}
	}
	if o.o.Digests {
		if err := g.writeDigest(); err != nil {
			return st, err
		}
		st.DigestFiles++
	}
	return st, nil
}

// layout decides the unit's files: n routine records spread over 5-minute
// windows (one file per window while the unit is quiet, several when busy),
// weighted by hour, plus the windows of planned records.
func (g *gen) layout(n int, planned []*planned) {
	g.files = g.files[:0]
	per := g.o.o.EventsPerFile
	nFiles := (n + per - 1) / per
	if nFiles <= windowsPerDay {
		// A partial Fisher-Yates shuffle picks nFiles distinct windows.
		for i := range g.perm {
			g.perm[i] = int16(i)
		}
		for i := 0; i < nFiles; i++ {
			j := i + g.r.IntN(windowsPerDay-i)
			g.perm[i], g.perm[j] = g.perm[j], g.perm[i]
			g.files = append(g.files, fileSpec{win: int(g.perm[i])})
		}
	} else {
		each, extra := nFiles/windowsPerDay, nFiles%windowsPerDay
		for w := 0; w < windowsPerDay; w++ {
			for range each {
				g.files = append(g.files, fileSpec{win: w})
			}
		}
		for i := range g.perm {
			g.perm[i] = int16(i)
		}
		for i := 0; i < extra; i++ {
			j := i + g.r.IntN(windowsPerDay-i)
			g.perm[i], g.perm[j] = g.perm[j], g.perm[i]
			g.files = append(g.files, fileSpec{win: int(g.perm[i])})
		}
	}
	splitDiurnal(g.files, n, 12, g.r.IntN)
	for _, pl := range planned {
		w := pl.sec / 300
		if !slices.ContainsFunc(g.files, func(f fileSpec) bool { return f.win == w }) {
			g.files = append(g.files, fileSpec{win: w})
		}
	}
	slices.SortStableFunc(g.files, func(a, b fileSpec) int { return a.win - b.win })
}

// fileName returns <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 alnum>.json[.gz].
func (g *gen) fileName(win int) string {
	b := make([]byte, 0, 96)
	b = append(b, g.acct.id...)
	b = append(b, "_CloudTrail_"...)
	b = append(b, g.region...)
	b = append(b, '_')
	b = append(b, g.compact...)
	b = append(b, 'T')
	b = append2(b, win/12)
	b = append2(b, win%12*5)
	b = append(b, 'Z', '_')
	b = appendRandChars(b, g.r, alnumMixed, 16)
	b = append(b, ".json"...)
	if g.o.o.Compress {
		b = append(b, ".gz"...)
	}
	return string(b)
}

// writeFile writes data to path, gzipped when the options say so, in one
// write call, and returns the number of bytes written.
func (g *gen) writeFile(path string, data []byte) (int64, error) {
	out := data
	if g.o.o.Compress {
		g.zbuf.Reset()
		g.gz.Reset(&g.zbuf)
		if _, err := g.gz.Write(data); err != nil {
			return 0, fmt.Errorf("gzip %s: %w", path, err)
		}
		if err := g.gz.Close(); err != nil {
			return 0, fmt.Errorf("gzip %s: %w", path, err)
		}
		out = g.zbuf.Bytes()
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return 0, fmt.Errorf("write log file: %w", err)
	}
	return int64(len(out)), nil
}

// appendTime appends an ISO 8601 UTC timestamp of second sec of the unit's day.
func (g *gen) appendTime(b []byte, sec int) []byte {
	b = append(b, g.datePrefix...)
	b = appendClock(b, sec)
	return append(b, 'Z')
}

// timeString is appendTime as a string.
func (g *gen) timeString(sec int) string {
	return string(g.appendTime(make([]byte, 0, 20), sec))
}

// splitDiurnal shares n records over files in proportion to the diurnal
// weight of each file's window (perHour windows an hour); the remainder
// goes to files drawn with intn.
func splitDiurnal(files []fileSpec, n, perHour int, intn func(int) int) {
	if len(files) == 0 {
		return
	}
	var total float64
	for _, f := range files {
		total += diurnal[f.win/perHour]
	}
	left := n
	for i := range files {
		c := int(float64(n) * diurnal[files[i].win/perHour] / total)
		files[i].count = c
		left -= c
	}
	for ; left > 0; left-- {
		files[intn(len(files))].count++
	}
}
