package geo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// List is a set of IP addresses and CIDR blocks: a threat list, a Tor
// exit-node list or a trusted-IP list. Safe for concurrent use once built.
type List struct {
	// Name identifies the list in findings (threatListName).
	Name     string
	addrs    map[netip.Addr]struct{}
	prefixes map[netip.Prefix]struct{}
	v4bits   []int // distinct prefix lengths of IPv4 blocks, longest first
	v6bits   []int
}

// maxBadLines bounds the bad lines ParseList reports.
const maxBadLines = 5

// ParseList reads a list: one address or CIDR block per line; '#' starts a
// comment; blank lines are skipped; text after the first field is ignored
// ("198.51.100.7 scanner seen 2024-05-01"). Tor's exit-addresses format
// (ExitNode / Published / LastStatus / ExitAddress <ip> <date> lines) is
// understood too. A line that is none of these is an error wrapping
// vigil.ErrMalformedInput that names the first few bad lines.
func ParseList(name string, r io.Reader) (*List, error) {
	l := &List{Name: name, addrs: map[netip.Addr]struct{}{}, prefixes: map[netip.Prefix]struct{}{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var bad []string
	nbad := 0
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		f := fields[0]
		switch f {
		case "ExitNode", "Published", "LastStatus":
			continue
		case "ExitAddress":
			if len(fields) < 2 {
				f = ""
			} else {
				f = fields[1]
			}
		}
		if err := l.add(f); err != nil {
			nbad++
			if len(bad) < maxBadLines {
				bad = append(bad, fmt.Sprintf("line %d: %q", n, strings.TrimSpace(line)))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read list %s: %w", name, err)
	}
	if nbad > 0 {
		more := ""
		if nbad > len(bad) {
			more = fmt.Sprintf(" (and %d more)", nbad-len(bad))
		}
		return nil, fmt.Errorf("%w: list %s: not an IP address or CIDR block: %s%s", vigil.ErrMalformedInput, name, strings.Join(bad, ", "), more)
	}
	return l, nil
}

// NewList returns a list of the given addresses and CIDR blocks.
func NewList(name string, entries ...string) (*List, error) {
	return ParseList(name, strings.NewReader(strings.Join(entries, "\n")))
}

func (l *List) add(s string) error {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return err
		}
		l.addrs[a.Unmap().WithZone("")] = struct{}{}
		return nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return err
	}
	a := p.Addr().Unmap()
	bits := p.Bits()
	if p.Addr().Is4In6() {
		if bits < 96 {
			return errors.New("IPv4-mapped block shorter than /96")
		}
		bits -= 96
	}
	if bits == a.BitLen() {
		l.addrs[a] = struct{}{}
		return nil
	}
	p = netip.PrefixFrom(a, bits).Masked()
	l.prefixes[p] = struct{}{}
	list := &l.v6bits
	if a.Is4() {
		list = &l.v4bits
	}
	if !slices.Contains(*list, bits) {
		*list = append(*list, bits)
		slices.SortFunc(*list, func(x, y int) int { return y - x })
	}
	return nil
}

// Len returns the number of entries.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.addrs) + len(l.prefixes)
}

// Contains reports whether a is on the list. A nil list contains nothing.
func (l *List) Contains(a netip.Addr) bool {
	_, ok := l.Match(a)
	return ok
}

// Match returns the most specific entry a falls in.
func (l *List) Match(a netip.Addr) (netip.Prefix, bool) {
	if l == nil || !a.IsValid() {
		return netip.Prefix{}, false
	}
	a = a.Unmap().WithZone("")
	if _, ok := l.addrs[a]; ok {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	bits := l.v6bits
	if a.Is4() {
		bits = l.v4bits
	}
	for _, b := range bits {
		p, err := a.Prefix(b)
		if err != nil {
			continue
		}
		if _, ok := l.prefixes[p]; ok {
			return p, true
		}
	}
	return netip.Prefix{}, false
}
