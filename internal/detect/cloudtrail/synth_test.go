package cloudtrail

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/detecttest"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/geo/geotest"
	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/synth"
)

// synthPlaces covers the synthetic org's addresses by first octet, as the
// generator picks them (internal/synth/random.go): AWS (NAT gateways,
// services), offices, and the attacker's networks. 91 and 193 are both
// office and attacker octets there; they stay offices.
func synthPlaces() []geotest.Entry {
	var out []geotest.Entry
	add := func(octets []int, l geo.Location) {
		for _, o := range octets {
			out = append(out, geotest.Entry{CIDR: fmt.Sprintf("%d.0.0.0/8", o), Location: l})
		}
	}
	add([]int{3, 13, 18, 34, 35, 44, 52, 54, 99}, geo.Location{CountryCode: "US", ASN: 16509, ASNOrg: "AMAZON-02", HasCoords: true, Lat: 39.04, Lon: -77.49})
	add([]int{62, 81, 84, 91, 145, 178, 193, 195, 203, 212, 217}, geo.Location{CountryCode: "DE", ASN: 3320, ASNOrg: "Deutsche Telekom AG", HasCoords: true, Lat: 50.11, Lon: 8.68})
	add([]int{5, 23, 45, 103, 141, 185, 194}, geo.Location{CountryCode: "RU", ASN: 9009, ASNOrg: "M247 Europe SRL", HasCoords: true, Lat: 55.75, Lon: 37.62})
	return out
}

// TestSynthAttackStory ingests a synthetic org (ten days, the attack story
// after the learning period) with the engine inline, as vigil ingest does,
// and requires the attack's victim to be reported, and little else.
func TestSynthAttackStory(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a synthetic org")
	}
	o := synth.Options{Dir: t.TempDir(), Accounts: 2, Regions: []string{"us-east-1"}, Start: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), Days: 10, EventsPerDay: 300}
	var attack []synth.Incident
	for seed := int64(1); seed < 200 && attack == nil; seed++ {
		o.Seed = seed
		plan, err := synth.Plan(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range plan {
			if in.Attack {
				attack = append(attack, in)
			}
		}
		// After the learning period, from an attacker network the GeoIP
		// database does not mistake for an office.
		if len(attack) == 0 || attack[0].Time.Before(o.Start.AddDate(0, 0, learningDays+1)) ||
			strings.HasPrefix(attack[0].SourceIP, "91.") || strings.HasPrefix(attack[0].SourceIP, "193.") {
			attack = nil
		}
	}
	if attack == nil {
		t.Fatal("no seed puts the attack after the learning period")
	}
	if _, err := synth.Generate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	victim := ""
	for _, in := range attack {
		if in.Kind == synth.KindConsoleLoginNoMFA {
			victim = in.Actor
		}
	}

	l, err := lake.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	reg, err := detect.NewRegistry(All()...)
	if err != nil {
		t.Fatal(err)
	}
	c := &detect.Context{Geo: geoDB(t, synthPlaces()...), Accounts: map[string]bool{}}
	en, err := detect.New(reg, c, detect.Options{Now: detecttest.FixedClock})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingest.Dir(t.Context(), l, []string{o.Dir}, ingest.Options{Detector: en, Accounts: en.AddAccounts, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	en.Flush()

	stateful := map[string]bool{}
	for _, d := range statefulDetections() {
		stateful[d.Type] = true
	}
	var story, benign []string
	for _, f := range en.Findings() {
		if !stateful[f.Type] {
			continue
		}
		line := f.Type + " " + f.Evidence.Principal + " " + strings.Join(f.Evidence.EventIDs, ",")
		if f.Evidence.Principal == victim {
			story = append(story, line)
		} else {
			benign = append(benign, line)
		}
	}
	slices.Sort(story)
	t.Logf("seed %d, %d events ingested; victim %s; attack findings:\n%s", o.Seed, en.Stats().Events, victim, strings.Join(story, "\n"))
	t.Logf("findings on benign traffic: %d\n%s", len(benign), strings.Join(benign, "\n"))
	found := false
	for _, s := range story {
		found = found || strings.Contains(s, "/AnomalousBehavior") || strings.Contains(s, "ConsoleLoginSuccess.B")
	}
	if !found {
		t.Errorf("the attack story's principal %s produced no AnomalousBehavior or ConsoleLoginSuccess.B finding", victim)
	}
	if len(benign) > 2 {
		t.Errorf("%d stateful findings on benign traffic, want at most 2", len(benign))
	}
}
