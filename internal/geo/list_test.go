package geo_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func TestParseList(t *testing.T) {
	const text = `# threat list, exported 2024-05-01
198.51.100.7
203.0.113.0/24   # scanners
10.1.2.3/32
192.0.2.128/25 seen in campaign X

2001:db8:bad::/48
::ffff:198.51.100.9
`
	l, err := geo.ParseList("custom", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "custom" || l.Len() != 6 {
		t.Errorf("name %q, len %d", l.Name, l.Len())
	}
	for ip, want := range map[string]bool{
		"198.51.100.7":        true,
		"198.51.100.8":        false,
		"198.51.100.9":        true, // listed IPv4-mapped
		"::ffff:198.51.100.7": true,
		"203.0.113.255":       true,
		"10.1.2.3":            true,
		"192.0.2.127":         false,
		"192.0.2.200":         true,
		"2001:db8:bad:1::1":   true,
		"2001:db8:bae::1":     false,
	} {
		if got := l.Contains(netip.MustParseAddr(ip)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", ip, got, want)
		}
	}
	if p, ok := l.Match(netip.MustParseAddr("203.0.113.4")); !ok || p.String() != "203.0.113.0/24" {
		t.Errorf("Match = %v %v", p, ok)
	}
	var none *geo.List
	if none.Contains(netip.MustParseAddr("198.51.100.7")) || none.Len() != 0 {
		t.Error("nil list contains something")
	}
	if l.Contains(netip.Addr{}) {
		t.Error("zero address listed")
	}
}

func TestParseTorExitAddresses(t *testing.T) {
	const text = `ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E
Published 2024-05-01 11:54:49
LastStatus 2024-05-01 13:00:00
ExitAddress 162.247.74.201 2024-05-01 13:13:50
ExitNode 0019BEE4FF6DC9D8B5D9E2CC1DA82E7FB0F39F7B
ExitAddress 185.220.101.4 2024-05-01 12:39:12
`
	l, err := geo.ParseList("tor", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 2 || !l.Contains(netip.MustParseAddr("185.220.101.4")) {
		t.Errorf("tor list: %d entries", l.Len())
	}
}

func TestParseListErrors(t *testing.T) {
	text := "198.51.100.7\nnot-an-ip\n10.0.0.0/33\n1.2.3\n4.5.6\n7.8.9\n300.1.1.1\n"
	_, err := geo.ParseList("bad", strings.NewReader(text))
	if !errors.Is(err, vigil.ErrMalformedInput) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"line 2", `"not-an-ip"`, "line 3", "and 1 more"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
