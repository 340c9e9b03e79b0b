package synth

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/geo"
)

// labelled is a small labelled run: the week the detections learn from,
// then the scenarios.
func labelled(dir string, mode Scenarios) Options {
	return Options{Dir: dir, Seed: 3, Accounts: 2, Regions: []string{"us-east-1", "eu-west-1"}, Start: testStart,
		Days: MinLabelledDays, EventsPerDay: 40, EventsPerFile: 200, FlowLogs: true, FlowRecordsPerDay: 100, Scenarios: mode}
}

// TestLabelledRun: every label's records are in the output (eventIDs in
// the CloudTrail files, flow keys among the flow-log records), after the
// learning period; the context files are there; the same options give the
// same labels.
func TestLabelledRun(t *testing.T) {
	o := labelled(t.TempDir(), ScenariosLabelled)
	_, files := generate(t, o)
	l, err := ReadLabels(o.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Labels) < len(ctScenarios)+len(flowScenarios) || len(l.Types) < 50 {
		t.Fatalf("%d labels of %d types", len(l.Labels), len(l.Types))
	}
	var logs, flows bytes.Buffer
	for name, b := range files {
		switch {
		case strings.Contains(name, "/CloudTrail/"):
			logs.Write(gunzip(t, name, b))
		case strings.Contains(name, "/vpcflowlogs/"):
			flows.Write(gunzip(t, name, b))
		}
	}
	flowRecords := map[string]bool{}
	for _, line := range strings.Split(flows.String(), "\n") {
		flowRecords[flowLineKey(line)] = true
	}
	learnt := testStart.AddDate(0, 0, learnDays).Format("2006-01-02")
	for _, lb := range l.Labels {
		if len(lb.EventIDs)+len(lb.FlowKeys) == 0 || !slices.Contains(l.Accounts, lb.Account) {
			t.Errorf("label %+v: no records or unknown account", lb)
		}
		for _, id := range lb.EventIDs {
			i := bytes.Index(logs.Bytes(), []byte(`"eventID":"`+id+`"`))
			if i < 0 {
				t.Errorf("%s %s: event %s not in the logs", lb.Scenario, lb.Type, id)
				continue
			}
			rec := logs.Bytes()[bytes.LastIndex(logs.Bytes()[:i], []byte(`"eventTime":"`))+13:]
			if string(rec[:10]) < learnt {
				t.Errorf("%s: event %s at %s, within the learning period", lb.Scenario, id, rec[:20])
			}
		}
		for _, k := range lb.FlowKeys {
			if !flowRecords[k] {
				t.Errorf("%s %s: flow record %s not in the logs", lb.Scenario, lb.Type, k)
				break
			}
		}
	}
	for _, f := range []string{ThreatsFile, TorFile} {
		b, err := os.ReadFile(filepath.Join(o.Dir, LabelsDir, f))
		if err != nil {
			t.Fatal(err)
		}
		list, err := geo.ParseList(f, bytes.NewReader(b))
		if err != nil || list.Len() == 0 {
			t.Errorf("%s: %v, %d entries", f, err, list.Len())
		}
	}
	db, err := geo.Open(filepath.Join(o.Dir, LabelsDir, GeoIPFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	again := labelled(t.TempDir(), ScenariosLabelled)
	generate(t, again)
	l2, err := ReadLabels(again.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l, l2); diff != "" {
		t.Errorf("labels of the same options differ:\n%s", diff)
	}
}

// flowLineKey returns the flow key of a text record of either format the
// generator writes (v2, or the v5 custom format: see v5Format).
func flowLineKey(line string) string {
	f := strings.Fields(line)
	switch {
	case len(f) == 14 && f[0] == "2": // version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
		return strings.Join([]string{f[2], f[3], f[5], f[4], f[6], f[7], f[10]}, "|")
	case len(f) == len(v5Format) && f[0] == "5": // interface 7, srcaddr 9, dstaddr 10, srcport 11, dstport 12, protocol 15, start 18
		return strings.Join([]string{f[7], f[9], f[11], f[10], f[12], f[15], f[18]}, "|")
	}
	return ""
}

// TestBenignRun: noise and no labels; the noise is there (CI deploys,
// administrators, services on principals' behalf).
func TestBenignRun(t *testing.T) {
	o := labelled(t.TempDir(), ScenariosBenign)
	o.Days = 2
	_, files := generate(t, o)
	l, err := ReadLabels(o.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Labels) != 0 || len(l.Types) != 0 || l.Scenarios != ScenariosBenign {
		t.Errorf("benign labels: %+v", l)
	}
	var logs bytes.Buffer
	for name, b := range files {
		if strings.Contains(name, "/CloudTrail/") {
			logs.Write(gunzip(t, name, b))
		}
	}
	for _, want := range []string{`"invokedBy":"cloudformation.amazonaws.com"`, `"eventName":"UpdateFunctionCode20150331v2"`,
		`"eventName":"SendSSHPublicKey"`, `"sessionCredentialFromConsole":"true"`, `"documentName":"AWS-RunPatchBaseline"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no %s in the benign noise", want)
		}
	}
	plan, err := Plan(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range plan {
		if in.Kind != KindNoise || in.Attack {
			t.Fatalf("benign plan holds %+v", in)
		}
	}
}

func TestReadLabelsErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadLabels(dir); err == nil {
		t.Error("no labels read")
	}
	os.MkdirAll(filepath.Join(dir, LabelsDir), 0o755)
	for _, bad := range []string{`{`, `{"scenarios":""}`} {
		os.WriteFile(filepath.Join(dir, LabelsDir, LabelsFile), []byte(bad), 0o644)
		if _, err := ReadLabels(dir); err == nil || !strings.Contains(err.Error(), LabelsFile) {
			t.Errorf("labels %s: %v", bad, err)
		}
	}
	b, _ := json.Marshal(Labels{Scenarios: ScenariosBenign})
	os.WriteFile(filepath.Join(dir, LabelsDir, LabelsFile), b, 0o644)
	if _, err := ReadLabels(dir); err != nil {
		t.Error(err)
	}
}
