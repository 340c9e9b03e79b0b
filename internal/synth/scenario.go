package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/internal/geo"
)

// Scenarios says what Generate plants on top of routine traffic.
type Scenarios string

const (
	// ScenariosPlanned (the default) plants the notable records Plan and
	// FlowPlan list: legitimate-but-notable events in every account and
	// one attack story. They are not labelled.
	ScenariosPlanned Scenarios = ""
	// ScenariosLabelled plants benign noise and one labelled attack
	// scenario per finding type Vigil detects (ScenarioTypes), after the
	// learning period of the stateful detections, and writes the ground
	// truth (Labels) and the context the detections need under
	// Dir/labels/.
	ScenariosLabelled Scenarios = "labelled"
	// ScenariosBenign plants the benign noise alone: nothing in the
	// output should be reported. Dir/labels/ holds an empty label list
	// and the same context files.
	ScenariosBenign Scenarios = "benign"
)

// LabelsDir is the folder, under Options.Dir, of the ground truth and the
// detection context of a labelled or benign run (next to AWSLogs/, which
// holds the logs to ingest).
const LabelsDir = "labels"

// Files in LabelsDir.
const (
	LabelsFile  = "labels.json"
	ThreatsFile = "threat-list.txt"
	TorFile     = "tor-exits.txt"
	GeoIPFile   = "geoip.mmdb"
)

// MinLabelledDays is the shortest run a labelled one can be: the stateful
// detections learn from the first seven days, and the scenarios come on
// the days after.
const MinLabelledDays = 9

// learnDays is the day scenarios start: after the detections' learning
// period (seven whole UTC days from a principal's first record) and a day
// of margin.
const learnDays = 8

// Label is one finding a labelled scenario must produce: its type, where,
// and the records involved (a finding is the scenario's when it has that
// type and account and its evidence shares a record with the label).
type Label struct {
	Scenario string `json:"scenario"`
	Type     string `json:"type"`
	Account  string `json:"account"`
	Region   string `json:"region"`
	// EventIDs are the CloudTrail eventIDs of the scenario's records.
	EventIDs []string `json:"eventIds,omitempty"`
	// FlowKeys identify the scenario's flow-log records as the detection
	// engine does: interface|srcaddr|srcport|dstaddr|dstport|protocol|start.
	FlowKeys []string `json:"flowKeys,omitempty"`
}

// Labels is the ground truth of a labelled (or benign) run, written to
// Dir/labels/labels.json.
type Labels struct {
	Scenarios Scenarios `json:"scenarios"`
	Seed      int64     `json:"seed"`
	Start     string    `json:"start"`
	Days      int       `json:"days"`
	Accounts  []string  `json:"accounts"`
	// ThreatList, TorList and GeoIP name the context files, in the
	// labels folder: the threat list and Tor exit list the scenarios'
	// addresses are on, and a GeoIP database of the synthetic world
	// (AWS, the offices, the attackers' networks and a far-away country).
	ThreatList string `json:"threatList"`
	TorList    string `json:"torList"`
	GeoIP      string `json:"geoip"`
	// Types are the finding types the scenarios cover (empty for a benign run).
	Types  []string `json:"types"`
	Labels []Label  `json:"labels"`
}

// ReadLabels reads the labels of a labelled or benign run from dir (the
// run's Options.Dir).
func ReadLabels(dir string) (*Labels, error) {
	path := filepath.Join(dir, LabelsDir, LabelsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read labels: %w", err)
	}
	var l Labels
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("read labels %s: %w", path, err)
	}
	if l.Scenarios != ScenariosLabelled && l.Scenarios != ScenariosBenign {
		return nil, fmt.Errorf("read labels %s: scenarios %q: want %s or %s", path, l.Scenarios, ScenariosLabelled, ScenariosBenign)
	}
	return &l, nil
}

// scenarioRun is one planted scenario: the records it is made of, and the
// finding types they must produce.
type scenarioRun struct {
	name    string
	types   []string
	account string
	region  string
	records []*planned     // CloudTrail records (their eventIDs are set once written)
	flows   []*flowPlanned // flow-log patterns
}

// Addresses of the synthetic world that the scenarios use, by first octet.
var (
	// attackerOnlyOctets are the attacker networks that are no office's.
	attackerOnlyOctets = []int{5, 23, 45, 103, 141, 185, 194}
	// farOctets are networks of a far-away country (impossible travel).
	farOctets = []int{1, 27, 49, 101, 110}
)

// world returns the GeoIP ranges of the synthetic organization's world.
// 91 and 193 are both office and attacker octets in the planned story;
// they stay offices.
func world() []geo.Range {
	var out []geo.Range
	add := func(octets []int, l geo.Location) {
		for _, o := range octets {
			out = append(out, geo.Range{CIDR: strconv.Itoa(o) + ".0.0.0/8", Location: l})
		}
	}
	add(awsOctets, geo.Location{CountryCode: "US", CountryName: "United States", City: "Ashburn", ASN: 16509, ASNOrg: "AMAZON-02", HasCoords: true, Lat: 39.04, Lon: -77.49})
	add(officeOctets, geo.Location{CountryCode: "DE", CountryName: "Germany", City: "Frankfurt am Main", ASN: 3320, ASNOrg: "Deutsche Telekom AG", HasCoords: true, Lat: 50.11, Lon: 8.68})
	add(attackerOnlyOctets, geo.Location{CountryCode: "RU", CountryName: "Russia", City: "Moscow", ASN: 9009, ASNOrg: "M247 Europe SRL", HasCoords: true, Lat: 55.75, Lon: 37.62})
	add(farOctets, geo.Location{CountryCode: "AU", CountryName: "Australia", City: "Sydney", ASN: 1221, ASNOrg: "Telstra Corporation", HasCoords: true, Lat: -33.87, Lon: 151.21})
	return out
}

// writeLabels writes the labels and the context files of a labelled or
// benign run. It runs after every unit is written: the eventIDs of the
// scenarios' records are known by then.
func (g *org) writeLabels() error {
	dir := filepath.Join(g.o.Dir, LabelsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create labels directory: %w", err)
	}
	l := Labels{Scenarios: g.o.Scenarios, Seed: g.o.Seed, Start: g.start.Format("2006-01-02"), Days: g.o.Days,
		Accounts: g.ids, ThreatList: ThreatsFile, TorList: TorFile, GeoIP: GeoIPFile, Types: []string{}, Labels: []Label{}}
	for _, s := range g.scenarios {
		var ids, keys []string
		for _, pl := range s.records {
			if pl.eventID == "" {
				return fmt.Errorf("BUG: scenario %s: record %s not written", s.name, pl.EventName)
			}
			ids = append(ids, pl.eventID)
		}
		for _, fp := range s.flows {
			keys = append(keys, fp.keys...)
		}
		for _, t := range s.types {
			l.Labels = append(l.Labels, Label{Scenario: s.name, Type: t, Account: s.account, Region: s.region, EventIDs: ids, FlowKeys: keys})
			if !slices.Contains(l.Types, t) {
				l.Types = append(l.Types, t)
			}
		}
	}
	slices.Sort(l.Types)
	b, err := json.MarshalIndent(l, "", " ")
	if err != nil {
		return fmt.Errorf("encode labels: %w", err)
	}
	var errs []error
	errs = append(errs, os.WriteFile(filepath.Join(dir, LabelsFile), append(b, '\n'), 0o644))
	errs = append(errs, os.WriteFile(filepath.Join(dir, ThreatsFile), []byte(listFile("Threat list of the synthetic organization's scenarios", g.threats)), 0o644))
	errs = append(errs, os.WriteFile(filepath.Join(dir, TorFile), []byte(listFile("Tor exit nodes of the synthetic organization's scenarios", g.tor)), 0o644))
	errs = append(errs, geo.WriteDB(filepath.Join(dir, GeoIPFile), "GeoLite2-City", world()))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("write labels: %w", err)
	}
	return nil
}

func listFile(title string, addrs []string) string {
	var b strings.Builder
	b.WriteString("# " + title + ", one address per line.\n")
	for _, a := range addrs {
		b.WriteString(a + "\n")
	}
	return b.String()
}
