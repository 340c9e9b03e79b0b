package catalog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/detecttest"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/synth"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// scenarioRun generates a small synthetic organization with the given
// scenarios, ingests it with every detection inline (as vigil ingest does,
// in the context of the run's labels folder) and returns the labels, the
// findings and the lake.
func scenarioRun(t *testing.T, mode synth.Scenarios) (*synth.Labels, []vigil.Finding, *detect.Context, *lake.Lake) {
	t.Helper()
	dir := t.TempDir()
	o := synth.Options{Dir: filepath.Join(dir, "org"), Seed: 11, Accounts: 2, Regions: []string{"eu-west-1"},
		Start: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Days: synth.MinLabelledDays, EventsPerDay: 100, EventsPerFile: 500,
		Compress: true, FlowLogs: true, FlowRecordsPerDay: 200, Scenarios: mode}
	if _, err := synth.Generate(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	labels, err := synth.ReadLabels(o.Dir)
	if err != nil {
		t.Fatal(err)
	}
	c := scenarioContext(t, filepath.Join(o.Dir, synth.LabelsDir))
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	en, err := detect.New(reg, c, detect.Options{Now: detecttest.FixedClock})
	if err != nil {
		t.Fatal(err)
	}
	l, err := lake.Open(filepath.Join(dir, "lake"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if _, err := ingest.Dir(t.Context(), l, []string{filepath.Join(o.Dir, "AWSLogs")}, ingest.Options{Detector: en, Accounts: en.AddAccounts}); err != nil {
		t.Fatal(err)
	}
	en.Flush()
	return labels, en.Findings(), c, l
}

// scenarioContext reads the threat list, Tor list and GeoIP database of a
// labelled run.
func scenarioContext(t *testing.T, dir string) *detect.Context {
	t.Helper()
	c := &detect.Context{Accounts: map[string]bool{}}
	for _, f := range []string{synth.ThreatsFile, synth.TorFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		l, err := geo.ParseList(f, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if f == synth.TorFile {
			c.Tor = l
		} else {
			c.ThreatLists = append(c.ThreatLists, l)
		}
	}
	db, err := geo.Open(filepath.Join(dir, synth.GeoIPFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c.Geo = db
	return c
}

// TestLabelledScenarios is the proof of quality: a synthetic organization
// with one labelled attack per finding type and realistic benign noise;
// every type of the catalog must have a scenario, every scenario must be
// found, and every finding must be a scenario's. The retro-hunt over the
// lake must find exactly what inline detection found.
func TestLabelledScenarios(t *testing.T) {
	labels, findings, c, l := scenarioRun(t, synth.ScenariosLabelled)
	for _, d := range All() {
		if !slices.Contains(labels.Types, d.Type) {
			t.Errorf("no labelled scenario for %s (%s)", d.Type, d.ID)
		}
	}
	s := labels.Score(findings)
	for _, ts := range s.Types {
		if ts.Recall < 1 || ts.FalsePositives > 0 {
			t.Errorf("%s: %d of %d found, %d false positives", ts.Type, ts.Found, ts.Injected, ts.FalsePositives)
		}
	}
	for _, m := range s.Missed {
		t.Errorf("missed %s of scenario %s in %s", m.Type, m.Scenario, m.Account)
	}
	for _, f := range s.Unexplained {
		t.Errorf("unexplained finding %s in %s: %s", f.Type, f.AccountID, f.Description)
	}
	t.Logf("%d labels of %d types, %d findings, recall %.2f", s.Injected, len(s.Types), s.Findings, s.Recall())

	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	retro, err := detect.New(reg, c, detect.Options{Now: detecttest.FixedClock})
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := lake.CloudTrailAccounts(l.Dir())
	if err != nil {
		t.Fatal(err)
	}
	retro.AddAccounts(accounts)
	if err := lake.ScanCloudTrail(t.Context(), l.Dir(), "", "", func(e *vigil.Event, p vigil.Partition) error {
		retro.Event(e, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := lake.ScanFlowLogs(t.Context(), l.Dir(), "", "", func(r *vigil.FlowRecord, p vigil.Partition) error {
		retro.Flow(r, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	retro.Flush()
	if diff := cmp.Diff(summarize(findings), summarize(retro.Findings())); diff != "" {
		t.Errorf("retro-hunt findings differ from inline (-inline +retro):\n%s", diff)
	}
}

// TestBenignScenarios: the benign noise alone gives no finding at all.
func TestBenignScenarios(t *testing.T) {
	labels, findings, _, _ := scenarioRun(t, synth.ScenariosBenign)
	if len(labels.Labels) != 0 {
		t.Fatalf("%d labels in a benign run", len(labels.Labels))
	}
	for _, f := range findings {
		t.Errorf("finding on benign activity: %s in %s: %s", f.Type, f.AccountID, f.Description)
	}
}

func summarize(fs []vigil.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %d %s %s %s", f.Type, f.ID, f.Service.Count, f.Service.EventFirstSeen, f.Service.EventLastSeen,
			strings.Join(append(f.Evidence.EventIDs, f.Evidence.FlowKeys...), ",")))
	}
	slices.Sort(out)
	return out
}
