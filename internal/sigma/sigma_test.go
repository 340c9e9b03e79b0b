package sigma

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/catalog"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// loadRecording decodes a JSON array of CloudTrail records.
func loadRecording(t testing.TB, file string) []vigil.Event {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	out := make([]vigil.Event, len(raws))
	for i, r := range raws {
		if err := cloudtrail.ParseEvent(r, &out[i]); err != nil {
			t.Fatalf("%s record %d: %v", file, i, err)
		}
	}
	return out
}

// fire returns the IDs of detections that match e, honouring Events as
// the engine does.
func fire(ds []detect.Detection, e *vigil.Event) []string {
	var ids []string
	for i := range ds {
		d := &ds[i]
		if len(d.Events) > 0 && !slices.Contains(d.Events, e.EventName) {
			continue
		}
		if h := d.Match(e, &detect.Context{}); h != nil {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

func TestLoad(t *testing.T) {
	ds, errs := Load("testdata/rules")
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	want := []string{
		"sigma.c1d2e3f4_a5b6_4c7d_8e9f_001122334455",
		"sigma.5e6f7a8b_9c0d_4e1f_a2b3_c4d5e6f7a8b9",
		"sigma.0b7e1c52_7d4e_4c55_9a7e_3f1f2d6a9c01",
		"sigma.6a3f0d7e_2b9c_4f1e_8d5a_0c4b7e9f1a22",
		"sigma.3c4d5e6f_7a8b_4c9d_8e0f_1a2b3c4d5e6f",
		"sigma.9f8e7d6c_5b4a_4392_8170_6a5b4c3d2e1f",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("detections (-want +got):\n%s", diff)
	}

	type problem struct {
		File, RuleID string
		Unsupported  bool
		Skipped      bool
		Says         string
	}
	var got []problem
	for _, err := range errs {
		var re *RuleError
		if !errors.As(err, &re) {
			t.Fatalf("error %v is not a *RuleError", err)
		}
		says := ""
		for _, s := range []string{"base64offset", "timeframe", "aggregation", "unknown field \"userIdentityType\"", "product \"windows\""} {
			if strings.Contains(err.Error(), s) {
				says = s
				break
			}
		}
		got = append(got, problem{filepath.Base(re.File), re.RuleID, errors.Is(err, ErrUnsupported), errors.Is(err, ErrSkipped), says})
	}
	wantProblems := []problem{
		{"base64.yml", "33333333-4444-4555-8666-777777777777", true, false, "base64offset"},
		{"count.yml", "22222222-3333-4444-8555-666666666666", true, false, "timeframe"},
		{"unknown_field.yml", "44444444-5555-4666-8777-888888888888", false, false, "unknown field \"userIdentityType\""},
		{"windows.yml", "11111111-2222-4333-8444-555555555555", false, true, "product \"windows\""},
	}
	if diff := cmp.Diff(wantProblems, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s\nerrors: %v", diff, errs)
	}

	// The lead's wiring: catalog plus Sigma detections in one registry.
	all := catalog.All()
	for i := range ds {
		all = append(all, &ds[i])
	}
	reg, err := detect.NewRegistry(all...)
	if err != nil {
		t.Fatalf("registry: %v", err)
	}
	d, ok := reg.Get("sigma.0b7e1c52_7d4e_4c55_9a7e_3f1f2d6a9c01")
	if !ok {
		t.Fatal("sigma detection missing from registry")
	}
	if d.Type != "Sigma:IAMUser/CloudTrailLoggingTamper.0b7e1c52" || d.Severity != vigil.SeverityHigh ||
		d.Technique != "T1562.008" || !slices.Equal(d.Events, []string{"DeleteTrail", "PutEventSelectors", "StopLogging", "UpdateTrail"}) {
		t.Errorf("detection = type %s severity %v technique %s events %v", d.Type, d.Severity, d.Technique, d.Events)
	}

	// And through the engine, as vigil detect runs it.
	en, err := detect.New(reg, nil, detect.Options{Now: func() time.Time { return time.Unix(0, 0).UTC() }})
	if err != nil {
		t.Fatal(err)
	}
	events := loadRecording(t, "testdata/events/aws.defense-evasion.cloudtrail-event-selectors.json")
	en.Events(vigil.Partition{Account: "958312252124", Region: "us-east-1", Date: "2024-07-31"}, events)
	en.Flush()
	var types []string
	for _, f := range en.Findings() {
		if strings.HasPrefix(f.Type, "Sigma:") {
			types = append(types, f.Type)
		}
	}
	slices.Sort(types)
	wantTypes := []string{"Sigma:IAMUser/CallFromWatchedNetwork.9f8e7d6c", "Sigma:IAMUser/CloudTrailLoggingTamper.0b7e1c52"}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("engine findings (-want +got):\n%s", diff)
	}
}

func TestRecordings(t *testing.T) {
	ds, _ := Load("testdata/rules")
	for _, tc := range []struct {
		file string
		want [][]string // per record
	}{
		{"aws.defense-evasion.cloudtrail-event-selectors.json", [][]string{{
			"sigma.0b7e1c52_7d4e_4c55_9a7e_3f1f2d6a9c01", // tampering
			"sigma.9f8e7d6c_5b4a_4392_8170_6a5b4c3d2e1f", // 221.254.0.0/16
		}}},
		{"aws.exfiltration.ec2-share-ebs-snapshot.json", [][]string{{"sigma.3c4d5e6f_7a8b_4c9d_8e0f_1a2b3c4d5e6f"}}},
		{"aws.persistence.iam-create-admin-user.json", [][]string{
			{"sigma.c1d2e3f4_a5b6_4c7d_8e9f_001122334455"}, // AttachUserPolicy
			{"sigma.5e6f7a8b_9c0d_4e1f_a2b3_c4d5e6f7a8b9"}, // CreateAccessKey
			{"sigma.5e6f7a8b_9c0d_4e1f_a2b3_c4d5e6f7a8b9"}, // CreateUser
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			events := loadRecording(t, filepath.Join("testdata/events", tc.file))
			var got [][]string
			for i := range events {
				ids := fire(ds, &events[i])
				slices.Sort(ids)
				got = append(got, ids)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("hits per record (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHit(t *testing.T) {
	ds, _ := Load("testdata/rules")
	events := loadRecording(t, "testdata/events/aws.persistence.iam-create-admin-user.json")
	var h *detect.Hit
	for i := range ds {
		if ds[i].ID == "sigma.c1d2e3f4_a5b6_4c7d_8e9f_001122334455" {
			h = ds[i].Match(&events[0], &detect.Context{})
		}
	}
	if h == nil {
		t.Fatal("no hit")
	}
	want := map[string]string{
		"sigmaId":     "c1d2e3f4-a5b6-4c7d-8e9f-001122334455",
		"sigmaTitle":  "Administrator Policy Attached",
		"sigmaLevel":  "high",
		"sigmaTags":   "attack.privilege-escalation,attack.t1098",
		"sigmaAuthor": "Vigil tests",
		"sigmaFile":   "testdata/rules/admin_policy_attached.yml",
	}
	if diff := cmp.Diff(want, h.Info); diff != "" {
		t.Errorf("info (-want +got):\n%s", diff)
	}
	if !strings.HasSuffix(h.Description, ".") || !strings.Contains(h.Description, "AttachUserPolicy") {
		t.Errorf("description %q", h.Description)
	}
}
