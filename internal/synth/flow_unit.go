package synth

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/klauspost/compress/gzip"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// flowLinesPerFile is about how many records a flow-log file holds.
const flowLinesPerFile = 1000

// flowWindowsPerDay is the number of 10-minute delivery windows in a day.
const flowWindowsPerDay = 24 * 6

// Actions and log statuses of a flowLine.
const (
	actNone uint8 = iota
	actAccept
	actReject
)

var actionNames = [...]string{"-", "ACCEPT", "REJECT"}

const (
	stOK uint8 = iota
	stNoData
	stSkipData
)

var statusNames = [...]string{"OK", "NODATA", "SKIPDATA"}

// flowLine is one record to write. Addresses are shared strings (pools,
// hosts), so building records allocates nothing.
type flowLine struct {
	host           *flowHost // the interface that logs the record
	src, dst       string
	packets, bytes int64
	sec, dur       int32 // start, second of the unit's day; end - start
	sport, dport   int32
	flags          int16 // tcp-flags
	proto          uint8
	action         uint8
	status         uint8
	path           int8 // traffic-path of egress records, 0 for none
	srcSvc, dstSvc uint8
	egress         bool
	v6             bool
}

// flowGen generates the flow logs of one unit (account, region, day) at a
// time. A flowGen is owned by one goroutine; Generate pools them.
type flowGen struct {
	pcg *rand.PCG
	r   *rand.Rand
	fo  *flowOrg
	n   *flowNet
	ai  int
	ri  int
	di  int

	dayUnix int64
	dayPath string // "2006/01/02"
	compact string // "20060102"

	lines   []flowLine
	planned []flowLine
	keys    []int64
	files   []fileSpec
	perm    [flowWindowsPerDay]int16
	raw     []byte
	zbuf    bytes.Buffer
	gz      *gzip.Writer

	clients  []string // the unit's returning HTTPS clients
	clients6 []string
	ntp      []string // NTP servers
}

func newFlowGen(fo *flowOrg) *flowGen {
	pcg := rand.NewPCG(0, 0)
	g := &flowGen{pcg: pcg, r: rand.New(pcg), fo: fo}
	g.gz, _ = gzip.NewWriterLevel(&g.zbuf, gzipLevel) // the level is a valid constant
	return g
}

// setup points g at a unit and reseeds it from the unit's coordinates only.
func (g *flowGen) setup(ai, ri, di int) {
	o := g.fo.g
	h := mix(uint64(o.o.Seed))
	for _, c := range []uint64{streamFlowUnit, uint64(ai), strHash(o.o.Regions[ri]), uint64(di)} {
		h = mix(h ^ c)
	}
	g.pcg.Seed(h, mix(h^0x5eed))
	g.ai, g.ri, g.di = ai, ri, di
	g.n = g.fo.nets[ai][ri]
	day := o.start.AddDate(0, 0, di)
	g.dayUnix = day.Unix()
	g.dayPath = day.Format("2006/01/02")
	g.compact = day.Format("20060102")
	g.clients = g.clients[:0]
	for range 1024 {
		g.clients = append(g.clients, g.outside())
	}
	g.clients6, g.ntp = g.clients6[:0], g.ntp[:0]
	for range 64 {
		g.clients6 = append(g.clients6, randIPv6(g.r))
	}
	for range 4 {
		g.ntp = append(g.ntp, g.outside())
	}
}

// outside returns a fresh public address that no planned pattern uses.
func (g *flowGen) outside() string {
	for {
		ip := randIPv4(g.r, publicOctets)
		if !g.fo.reserved[ip] {
			return ip
		}
	}
}

// run generates and writes one unit.
func (g *flowGen) run(ctx context.Context, ai, ri, di int) (Stats, error) {
	var st Stats
	if err := ctx.Err(); err != nil {
		return st, err
	}
	g.setup(ai, ri, di)
	o := g.fo.g
	g.planned = g.planned[:0]
	for _, fp := range g.fo.byUnit[o.unitIndex(ai, ri, di)] {
		fp.expand(o.o.Seed, func(l *flowLine) { g.planned = append(g.planned, *l) })
	}
	slices.SortStableFunc(g.planned, func(a, b flowLine) int { return int(a.sec - b.sec) })
	n := o.o.FlowRecordsPerDay
	if n > 0 {
		n = n * (90 + g.r.IntN(21)) / 100
	}
	g.layout(n)

	prefix := "AWSLogs/" + g.n.account + "/vpcflowlogs/" + g.n.region + "/" + g.dayPath + "/"
	if len(g.files) > 0 {
		if err := os.MkdirAll(filepath.Join(o.o.Dir, filepath.FromSlash(prefix)), 0o755); err != nil {
			return st, fmt.Errorf("create flow log directory: %w", err)
		}
	}
	next := 0 // next planned record
	for fi, f := range g.files {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		g.lines = g.lines[:0]
		base := f.win * 600
		for len(g.lines) < f.count {
			g.conversation(int32(base + g.r.IntN(600)))
		}
		// Planned records of this window go to its first file.
		if fi == 0 || g.files[fi-1].win != f.win {
			for next < len(g.planned) && int(g.planned[next].sec)/600 == f.win {
				g.lines = append(g.lines, g.planned[next])
				next++
			}
		}
		if len(g.lines) == 0 {
			continue
		}
		// Records in time order; a flow's records keep their order.
		g.keys = g.keys[:0]
		for i := range g.lines {
			g.keys = append(g.keys, int64(g.lines[i].sec)<<32|int64(i))
		}
		slices.Sort(g.keys)
		g.raw = append(g.raw[:0], g.n.header...)
		for _, k := range g.keys {
			g.raw = g.appendLine(g.raw, &g.lines[uint32(k)])
		}
		size, err := g.writeFile(filepath.Join(o.o.Dir, filepath.FromSlash(prefix+g.fileName(f.win))), g.raw)
		if err != nil {
			return st, err
		}
		st.FlowFiles++
		st.FlowRecords += len(g.lines)
		st.FlowBytes += size
		st.FlowRawBytes += int64(len(g.raw))
	}
	return st, nil
}

// layout decides the unit's files: n routine records spread over 10-minute
// windows, weighted by hour (one file per window while quiet, several when
// busy), plus the windows of planned records.
func (g *flowGen) layout(n int) {
	g.files = g.files[:0]
	nFiles := (n + flowLinesPerFile - 1) / flowLinesPerFile
	each, extra := nFiles/flowWindowsPerDay, nFiles%flowWindowsPerDay
	for w := range flowWindowsPerDay {
		for range each {
			g.files = append(g.files, fileSpec{win: w})
		}
	}
	// A partial Fisher-Yates shuffle picks extra distinct windows.
	for i := range g.perm {
		g.perm[i] = int16(i)
	}
	for i := range extra {
		j := i + g.r.IntN(flowWindowsPerDay-i)
		g.perm[i], g.perm[j] = g.perm[j], g.perm[i]
		g.files = append(g.files, fileSpec{win: int(g.perm[i])})
	}
	splitDiurnal(g.files, n, 6, g.r.IntN)
	for i := range g.planned {
		w := int(g.planned[i].sec) / 600
		if i > 0 && int(g.planned[i-1].sec)/600 == w {
			continue
		}
		if !slices.ContainsFunc(g.files, func(f fileSpec) bool { return f.win == w }) {
			g.files = append(g.files, fileSpec{win: w})
		}
	}
	slices.SortStableFunc(g.files, func(a, b fileSpec) int { return a.win - b.win })
}

// fileName returns <account>_vpcflowlogs_<region>_<flow-log-id>_<YYYYMMDDTHHmmZ>_<8 hex>.log[.gz].
func (g *flowGen) fileName(win int) string {
	b := make([]byte, 0, 96)
	b = append(b, g.n.account...)
	b = append(b, "_vpcflowlogs_"...)
	b = append(b, g.n.region...)
	b = append(b, '_')
	b = append(b, g.n.flowLog...)
	b = append(b, '_')
	b = append(b, g.compact...)
	b = append(b, 'T')
	b = append2(b, win/6)
	b = append2(b, win%6*10)
	b = append(b, 'Z', '_')
	b = appendHex(b, g.r, 8)
	b = append(b, ".log"...)
	if g.fo.g.o.Compress {
		b = append(b, ".gz"...)
	}
	return string(b)
}

// writeFile writes data to path, gzipped when the options say so, and
// returns the number of bytes written.
func (g *flowGen) writeFile(path string, data []byte) (int64, error) {
	out := data
	if g.fo.g.o.Compress {
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
		return 0, fmt.Errorf("write flow log file: %w", err)
	}
	return int64(len(out)), nil
}

// appendLine appends l in the unit's format, newline included.
func (g *flowGen) appendLine(b []byte, l *flowLine) []byte {
	n := g.n
	traffic := l.status == stOK
	for i, f := range n.format {
		if i > 0 {
			b = append(b, ' ')
		}
		switch f {
		case vigil.FlowVersion:
			b = strconv.AppendInt(b, n.version, 10)
		case vigil.FlowAccountID:
			b = append(b, n.account...)
		case vigil.FlowInterfaceID:
			b = append(b, l.host.eni...)
		case vigil.FlowStart:
			b = strconv.AppendInt(b, g.dayUnix+int64(l.sec), 10)
		case vigil.FlowEnd:
			b = strconv.AppendInt(b, g.dayUnix+int64(l.sec+l.dur), 10)
		case vigil.FlowLogStatus:
			b = append(b, statusNames[l.status]...)
		case vigil.FlowVPCID:
			b = append(b, n.vpc...)
		case vigil.FlowSubnetID:
			b = append(b, l.host.subnet...)
		case vigil.FlowInstanceID:
			b = append(b, l.host.instance...)
		case vigil.FlowRegion:
			b = append(b, n.region...)
		case vigil.FlowAZID:
			b = append(b, l.host.az...)
		default:
			if !traffic {
				b = append(b, '-')
				continue
			}
			b = g.appendTraffic(b, f, l)
		}
	}
	return append(b, '\n')
}

// appendTraffic appends a field that NODATA and SKIPDATA records leave '-'.
func (g *flowGen) appendTraffic(b []byte, f vigil.FlowField, l *flowLine) []byte {
	switch f {
	case vigil.FlowSrcAddr, vigil.FlowPktSrcAddr:
		return append(b, l.src...)
	case vigil.FlowDstAddr, vigil.FlowPktDstAddr:
		return append(b, l.dst...)
	case vigil.FlowSrcPort:
		return strconv.AppendInt(b, int64(l.sport), 10)
	case vigil.FlowDstPort:
		return strconv.AppendInt(b, int64(l.dport), 10)
	case vigil.FlowProtocol:
		return strconv.AppendInt(b, int64(l.proto), 10)
	case vigil.FlowPackets:
		return strconv.AppendInt(b, l.packets, 10)
	case vigil.FlowBytes:
		return strconv.AppendInt(b, l.bytes, 10)
	case vigil.FlowAction:
		return append(b, actionNames[l.action]...)
	case vigil.FlowTCPFlags:
		return strconv.AppendInt(b, int64(l.flags), 10)
	case vigil.FlowType:
		if l.v6 {
			return append(b, "IPv6"...)
		}
		return append(b, "IPv4"...)
	case vigil.FlowPktSrcAWSService:
		if l.srcSvc != svcNone {
			return append(b, svcNames[l.srcSvc]...)
		}
	case vigil.FlowPktDstAWSService:
		if l.dstSvc != svcNone {
			return append(b, svcNames[l.dstSvc]...)
		}
	case vigil.FlowFlowDirection:
		if l.egress {
			return append(b, "egress"...)
		}
		return append(b, "ingress"...)
	case vigil.FlowTrafficPath:
		if l.egress && l.path > 0 {
			return strconv.AppendInt(b, int64(l.path), 10)
		}
	}
	return append(b, '-')
}
