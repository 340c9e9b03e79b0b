package catalog

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/detecttest"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/synth"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// BenchmarkEngineEvents measures the Match loop: every detection of the
// catalog over synthetic CloudTrail events (routine activity and planned
// incidents of a synthetic organization), with threat, Tor and trusted
// lists loaded, aggregation included. It reports events/s on one
// goroutine.
func BenchmarkEngineEvents(b *testing.B) {
	dir := b.TempDir()
	o := synth.Options{Dir: dir, Seed: 7, Accounts: 3, Regions: []string{"us-east-1", "eu-west-1"},
		Start: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), Days: 2, EventsPerDay: 5000}
	if _, err := synth.Generate(b.Context(), o); err != nil {
		b.Fatal(err)
	}
	var events []vigil.Event
	var parts []vigil.Partition
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		for _, e := range detecttest.LoadEvents(b, path) {
			events = append(events, e)
			parts = append(parts, detecttest.Partition(b, &e))
		}
		return nil
	})
	reg, err := Registry()
	if err != nil {
		b.Fatal(err)
	}
	threats, _ := geo.NewList("threats", "198.51.100.0/24", "192.0.2.0/24", "203.0.113.77")
	tor, _ := geo.NewList("tor", "185.220.101.0/24", "185.220.100.240")
	trusted, _ := geo.NewList("office", "10.0.0.0/8")
	c := &detect.Context{ThreatLists: []*geo.List{threats}, Tor: tor, Trusted: []*geo.List{trusted}, Accounts: map[string]bool{}}
	for _, a := range synth.Accounts(o.Seed, o.Accounts) {
		c.Accounts[a] = true
	}
	b.ReportAllocs()
	b.ResetTimer()
	var findings int
	for b.Loop() {
		en, err := detect.New(reg, c, detect.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for i := range events {
			en.Event(&events[i], parts[i])
		}
		findings = len(en.Findings())
	}
	b.ReportMetric(float64(len(events))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(findings), "findings")
}
