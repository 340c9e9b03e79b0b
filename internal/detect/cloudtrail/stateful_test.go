package cloudtrail

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/detect/detecttest"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/geo/geotest"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Places of the stateful fixtures (testdata/*/; generated records).
var testPlaces = []geotest.Entry{
	{CIDR: "81.2.69.0/24", Location: geo.Location{CountryCode: "DE", City: "Berlin", ASN: 3320, ASNOrg: "Deutsche Telekom AG", HasCoords: true, Lat: 52.52, Lon: 13.40}},
	{CIDR: "5.188.10.0/24", Location: geo.Location{CountryCode: "RU", City: "Moscow", ASN: 9009, ASNOrg: "M247 Europe SRL", HasCoords: true, Lat: 55.75, Lon: 37.62}},
	{CIDR: "203.0.113.0/24", Location: geo.Location{CountryCode: "AU", City: "Sydney", ASN: 1221, ASNOrg: "Telstra", HasCoords: true, Lat: -33.87, Lon: 151.21}},
	{CIDR: "52.94.0.0/15", Location: geo.Location{CountryCode: "US", ASN: 16509, ASNOrg: "AMAZON-02"}},
}

// geoDB writes a GeoIP database of entries and opens it.
func geoDB(t testing.TB, entries ...geotest.Entry) *geo.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.mmdb")
	geotest.Write(t, path, "GeoLite2-City", entries...)
	db, err := geo.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func statefulContext(t testing.TB) *detect.Context {
	c := testContext(t.(*testing.T))
	c.Geo = geoDB(t, testPlaces...)
	return c
}

// finding renders what matters of a finding: its evidence and severity.
func finding(severity float64, eventIDs ...string) string {
	return fmt.Sprintf("%s|%g", strings.Join(eventIDs, ","), severity)
}

// statefulCases are the fixtures of the stateful detections, run through
// the engine (TestStatefulDetections); TestEveryDetectionHasFixtures
// counts them with cases.
var statefulCases = map[string][]struct {
	fixture string
	want    []string
}{
	"unauthorized_access.iam_console_login_success_b": {
		{"impossible.json", []string{finding(5, "login-berlin", "login-sydney")}},
		{"possible.json", nil},
	},
	"unauthorized_access.iam_instance_credential_exfiltration_outside_aws": {
		{"stolen.json", []string{finding(8, "ic-outside")}},
		{"routine.json", nil},
		{"learning.json", nil},
	},
	"credential_access.iam_secrets_retrieval_burst": {
		{"stratus_ec2_get_password_data.json", []string{finding(5, passwordDataIDs...)}},
		{"stratus_batch_retrieve_secrets.json", []string{finding(5, "bddee0fb-2541-430d-aad5-b1fdd5d419f1", "cdc49957-9518-4ab3-a49e-b5a7c17903e6",
			"61619dbf-c10b-471e-9d78-8199a2f8233a", "7c7a69f9-867d-4b5b-beee-7fe62ba34d5c", "cf4e352a-b575-4003-bd81-0c531f42e626")}},
		{"stratus_ssm_securestring_parameters.json", []string{finding(5, "7fbcfbae-35c6-4c93-88bf-741fe4c4ada3", "d487c732-d152-48b1-9897-90b3a037040d",
			"a4663305-e887-42ac-94e6-d04685e59899", "f7fd8826-9ac0-46a5-b7d5-55c269f59541", "fb5e100b-273f-4cef-98e4-efc3a52a15e9")}},
		{"application.json", nil},
	},
	"unauthorized_access.iam_instance_credential_exfiltration_inside_aws": {
		{"stolen.json", []string{finding(5, "ic-inside"), finding(8, "ic-vpce")}},
		{"routine.json", nil},
	},
}

// passwordDataIDs are the 30 denied GetPasswordData calls of Stratus Red
// Team's ec2-get-password-data recording, oldest first.
var passwordDataIDs = []string{"52242c8d-7ef7-4165-90cd-621ebe835388", "a9da1fbd-464c-4b74-8c64-96eea2564978", "d2d44fa9-f50b-4877-8a52-9e3855029970", "f1e17321-830c-4761-854c-158258e915b6", "1078f3f3-e72f-42bd-a0c8-7f321b5fce0b", "735eae92-16e3-469c-b454-4507c47aadcb", "73f28e1e-7fe0-40d2-94a4-cf42930e8b0a", "a8d8ee73-2a80-4d03-ae6c-42e2964a5e43", "afcc764e-2db4-4fe2-aa74-85d01843d7ca", "b5da67b9-87fa-4151-bd9a-818f3237fb91", "396d8a62-46e7-472f-b046-5c41a75ae61b", "71ce0541-113b-4b74-bbc7-5ef364318787", "8aa69c7f-117d-4010-b7ea-009cd1f4f5de", "9fa0f6c4-dafd-46e6-af33-264c70b79add", "b8a37387-6dd5-49a1-b55a-a491a0bb85b0", "c1e66f32-ddf1-4e85-9a5c-9b11b09e2d06", "45b5d41d-4732-49d2-aa3b-8b87a1c4d8e1", "c07943fa-79ed-4f9a-9bde-b0eefcece09a", "cf7fcd24-2c91-4836-b460-d01f837d5db4", "ec79b60b-6bc0-4a75-bf79-45a42db477df", "f2d94374-18b0-4479-8585-d24f7a58e3de", "0c7f6148-c337-4e49-8df5-cb333c6fb7d6", "4bf1ca5d-42ba-4e95-a493-9cdeefb58b87", "7466f497-7987-44d9-aeb1-5034d02c9f87", "8d006dac-fa19-4599-a336-d3a230b535f6", "b1f34826-4e8b-4527-b17a-ef9cb24ac379", "eec493d8-1181-4ed7-9d29-1de1e87ee98b", "450230d4-b39e-4a18-a6a0-d07a6e2105cb", "560bcc37-36b9-43f4-8447-2bab2d7cd7cf", "76a3f52e-5c4c-4a62-818d-a2bc8bddc2e6"}

func init() {
	for _, d := range anomalyDetections() {
		statefulCases[d.ID] = append(statefulCases[d.ID], []struct {
			fixture string
			want    []string
		}{
			{"new_place.json", []string{finding(float64(d.Severity), "evt-attack")}},
			{"usual_place.json", nil},
			{"learning.json", nil},
		}...)
	}
}

func anomalyDetections() []*detect.Detection {
	var out []*detect.Detection
	for _, d := range All() {
		if strings.HasSuffix(d.Type, "/AnomalousBehavior") {
			out = append(out, d)
		}
	}
	return out
}

func statefulDetections() []*detect.Detection {
	var out []*detect.Detection
	for _, d := range All() {
		if d.NewStateful != nil {
			out = append(out, d)
		}
	}
	return out
}

// run feeds events to an engine of ds in the given order, with the state
// and findings of earlier runs, and saves the state back.
func run(t testing.TB, c *detect.Context, store detect.StateStore, prior []vigil.Finding, events []vigil.Event, ds ...*detect.Detection) []vigil.Finding {
	t.Helper()
	reg, err := detect.NewRegistry(ds...)
	if err != nil {
		t.Fatal(err)
	}
	en, err := detect.New(reg, c, detect.Options{Now: detecttest.FixedClock})
	if err != nil {
		t.Fatal(err)
	}
	if err := en.LoadState(store); err != nil {
		t.Fatal(err)
	}
	if err := en.Load(prior); err != nil {
		t.Fatal(err)
	}
	for i := range events {
		en.Event(&events[i], detecttest.Partition(t, &events[i]))
	}
	en.Flush()
	if err := en.SaveState(store); err != nil {
		t.Fatal(err)
	}
	return slices.Clone(en.Findings())
}

func summary(t testing.TB, fs []vigil.Finding) []string {
	t.Helper()
	var out []string
	for _, f := range fs {
		if !strings.HasSuffix(f.Description, ".") {
			t.Errorf("%s: description %q does not end with a period", f.Type, f.Description)
		}
		out = append(out, finding(float64(f.Severity), f.Evidence.EventIDs...))
	}
	slices.Sort(out)
	return out
}

func TestStatefulDetections(t *testing.T) {
	c := statefulContext(t)
	for _, d := range statefulDetections() {
		t.Run(d.ID, func(t *testing.T) {
			if len(statefulCases[d.ID]) == 0 {
				t.Fatal("no fixtures")
			}
			for _, tc := range statefulCases[d.ID] {
				t.Run(tc.fixture, func(t *testing.T) {
					events := detecttest.LoadEvents(t, filepath.Join("testdata", d.ID, tc.fixture))
					fs := run(t, c, &detect.MemState{}, nil, events, d)
					if diff := cmp.Diff(tc.want, summary(t, fs)); diff != "" {
						t.Errorf("findings (-want +got):\n%s", diff)
					}
					// Out of order, and state saved and loaded between two halves.
					for seed := range uint64(4) {
						shuffled := slices.Clone(events)
						rand.New(rand.NewPCG(seed, 11)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
						if diff := cmp.Diff(fs, run(t, c, &detect.MemState{}, nil, shuffled, d)); diff != "" {
							t.Fatalf("seed %d: order changed the findings:\n%s", seed, diff)
						}
					}
					store := &detect.MemState{}
					half := len(events) / 2
					first := run(t, c, store, nil, events[:half], d)
					if diff := cmp.Diff(fs, run(t, c, store, first, events[half:], d)); diff != "" {
						t.Errorf("two runs through the state store changed the findings:\n%s", diff)
					}
				})
			}
		})
	}
}

// TestAnomalyStory runs the family over one principal's history and a
// night in which each tactic's API is called from a new place: one finding
// per tactic, the same whatever the order, and the same when the history
// and the night come in separate runs through the state store.
func TestAnomalyStory(t *testing.T) {
	c := statefulContext(t)
	ds := anomalyDetections()
	if len(ds) != 8 {
		t.Fatalf("%d AnomalousBehavior detections, want 8", len(ds))
	}
	events := detecttest.LoadEvents(t, "testdata/persistence.iam_anomalous_behavior/story.json")
	all := run(t, c, &detect.MemState{}, nil, events, ds...)
	var types []string
	for _, f := range all {
		types = append(types, f.Type+" "+strings.Join(f.Evidence.EventIDs, ","))
	}
	slices.Sort(types)
	want := []string{
		"CredentialAccess:IAMUser/AnomalousBehavior evt-credential_access",
		"DefenseEvasion:IAMUser/AnomalousBehavior evt-defense_evasion",
		"Discovery:IAMUser/AnomalousBehavior evt-discovery",
		"Exfiltration:IAMUser/AnomalousBehavior evt-exfiltration",
		"Impact:IAMUser/AnomalousBehavior evt-impact",
		"InitialAccess:IAMUser/AnomalousBehavior evt-initial_access",
		"Persistence:IAMUser/AnomalousBehavior evt-persistence",
		"PrivilegeEscalation:IAMUser/AnomalousBehavior evt-privilege_escalation",
	}
	if diff := cmp.Diff(want, types); diff != "" {
		t.Fatalf("findings (-want +got):\n%s", diff)
	}

	for seed := range uint64(8) {
		shuffled := slices.Clone(events)
		rand.New(rand.NewPCG(seed, 3)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if diff := cmp.Diff(all, run(t, c, &detect.MemState{}, nil, shuffled, ds...)); diff != "" {
			t.Fatalf("seed %d: order changed the findings:\n%s", seed, diff)
		}
	}

	// History in one run, the night (shuffled) in the next: the state
	// round-trips through the store as JSON.
	store := &detect.MemState{}
	split := slices.IndexFunc(events, func(e vigil.Event) bool { return strings.HasPrefix(e.EventTime, "2024-05-10") })
	if fs := run(t, c, store, nil, events[:split], ds...); len(fs) != 0 {
		t.Fatalf("findings from the history alone: %v", summary(t, fs))
	}
	night := slices.Clone(events[split:])
	slices.Reverse(night)
	got := run(t, c, store, nil, night, ds...)
	if diff := cmp.Diff(all, got); diff != "" {
		t.Errorf("split runs changed the findings:\n%s", diff)
	}
	// Running the night again with the stored findings changes nothing.
	if diff := cmp.Diff(got, run(t, c, store, got, night, ds...)); diff != "" {
		t.Errorf("re-run changed the findings:\n%s", diff)
	}
}

// TestStatefulWithoutGeoIP: without a database, impossible travel says
// nothing and the anomaly model still sees new user-agent families.
func TestStatefulWithoutGeoIP(t *testing.T) {
	c := testContext(t)
	events := detecttest.LoadEvents(t, "testdata/unauthorized_access.iam_console_login_success_b/impossible.json")
	if fs := run(t, c, &detect.MemState{}, nil, events, consoleLoginSuccessB); len(fs) != 0 {
		t.Errorf("impossible travel without GeoIP: %v", summary(t, fs))
	}
	events = detecttest.LoadEvents(t, "testdata/persistence.iam_anomalous_behavior/new_place.json")
	fs := run(t, c, &detect.MemState{}, nil, events, persistenceAnomalous)
	if diff := cmp.Diff([]string{finding(5, "evt-attack")}, summary(t, fs)); diff != "" {
		t.Errorf("anomaly without GeoIP (-want +got):\n%s", diff)
	}
	if ai := fs[0].Service.AdditionalInfo; ai == nil || !strings.Contains(ai.Value, "user agent boto3 linux") {
		t.Errorf("additional info: %+v", ai)
	}
}

func TestAgentFamily(t *testing.T) {
	for in, want := range map[string]string{
		"aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0":              "aws-cli linux",
		"Boto3/1.26.54 md/Botocore#1.29.54 ua/2.0 os/linux":     "boto3 linux",
		"Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/macos#23.1":  "boto3 macos",
		"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Firefox/115": "browser linux",
		"[Mozilla/5.0 (Macintosh)]":                             "browser macos",
		"console.amazonaws.com":                                 "console.amazonaws.com",
		"APN/1.0 HashiCorp/1.0 Terraform/1.5.7":                 "apn",
		"":                                                      "",
	} {
		if got := agentFamily(in); got != want {
			t.Errorf("agentFamily(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTacticTable(t *testing.T) {
	for api, want := range map[string]string{
		"GetPasswordData": tacticCredentialAccess, "StopLogging": tacticDefenseEvasion, "ListBuckets": tacticDiscovery,
		"GetCallerIdentity": tacticDiscovery, "PutBucketReplication": tacticExfiltration, "PutBucketPolicy": tacticImpact,
		"GetAuthorizationToken": tacticInitialAccess, "CreateAccessKey": tacticPersistence,
		"AttachUserPolicy": tacticPrivilegeEscalation, "RunInstances": "",
	} {
		if got := tacticOf(api); got != want {
			t.Errorf("tacticOf(%s) = %q, want %q", api, got, want)
		}
	}
}

func TestDistance(t *testing.T) {
	if km := distanceKm(52.52, 13.40, -33.87, 151.21); km < 16000 || km > 16200 {
		t.Errorf("Berlin-Sydney %.0f km", km)
	}
}

func TestUnixTime(t *testing.T) {
	for _, s := range []string{"2024-05-01T09:00:00Z", "2024-12-31T23:59:59Z", "2024-05-01T09:00:00.123Z", "2024-05-01T11:00:00+02:00"} {
		got, ok := unixTime(s)
		want, err := time.Parse(time.RFC3339, s)
		if !ok || err != nil || got != want.Unix() {
			t.Errorf("unixTime(%q) = %d %v, want %d", s, got, ok, want.Unix())
		}
	}
	if _, ok := unixTime("2024-13-01T09:00:00Z"); ok {
		t.Error("month 13 parsed")
	}
}
