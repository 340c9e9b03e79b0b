package detect_test

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// newAPI is a stateful test detection: an API a principal calls for the
// first time after a learning period. Its state keeps, per principal and
// API, the earliest call (a minimum: order-independent).
type newAPI struct {
	learnUntil string
	First      map[string]firstCall `json:"first"` // principal + " " + api
}

type firstCall struct {
	Time  string
	Event vigil.Event
	Part  vigil.Partition
}

var newAPIDetection = &detect.Detection{
	ID: "test.new_api", Type: "Test:IAMUser/NewAPI", Namespace: detect.NamespaceVigil, Severity: vigil.SeverityLow,
	Title: "First call of an API", Description: "Test.", FalsePositives: "Test.", Key: "principal and API",
	Source:      detect.SourceCloudTrail,
	NewStateful: func() detect.Stateful { return &newAPI{learnUntil: "2024-05-02", First: map[string]firstCall{}} },
}

func (s *newAPI) ObserveEvent(e *vigil.Event, p vigil.Partition, _ *detect.Context) []detect.Hit {
	k := e.UserIdentity.ARN + " " + e.EventName
	if f, ok := s.First[k]; !ok || e.EventTime < f.Time || (e.EventTime == f.Time && e.EventID < f.Event.EventID) {
		s.First[k] = firstCall{Time: e.EventTime, Event: *e, Part: p}
	}
	return nil
}

func (s *newAPI) Flush(*detect.Context) []detect.Hit {
	var hits []detect.Hit
	for _, k := range slices.Sorted(maps.Keys(s.First)) {
		f := s.First[k]
		if f.Time < s.learnUntil {
			continue
		}
		e := f.Event
		hits = append(hits, detect.Hit{Resource: f.Event.UserIdentity.ARN, Actor: e.EventName, Event: &e, Partition: f.Part, Description: "First " + e.EventName + "."})
	}
	return hits
}

func (s *newAPI) MarshalState() (json.RawMessage, error) { return json.Marshal(s) }
func (s *newAPI) UnmarshalState(b json.RawMessage) error { return json.Unmarshal(b, s) }

func dayEvent(id, name, user string, day, minute int) vigil.Event {
	e := event(id, name, user, minute)
	e.EventTime = time.Date(2024, 5, day, 10, minute, 0, 0, time.UTC).Format(time.RFC3339)
	return e
}

func runStateful(t *testing.T, store detect.StateStore, prior []vigil.Finding, events []vigil.Event) []vigil.Finding {
	t.Helper()
	en, err := detect.New(registry(t, newAPIDetection), nil, detect.Options{Now: func() time.Time { return time.Unix(0, 0) }})
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
		p := part
		p.Date = events[i].EventTime[:10]
		en.Event(&events[i], p)
	}
	en.Flush()
	if err := en.SaveState(store); err != nil {
		t.Fatal(err)
	}
	return en.Findings()
}

func TestStatefulAcrossRunsAndOutOfOrder(t *testing.T) {
	day1 := []vigil.Event{dayEvent("a1", "ListUsers", "alice", 1, 1), dayEvent("a2", "GetUser", "alice", 1, 2)}
	day2 := []vigil.Event{
		dayEvent("b1", "ListUsers", "alice", 2, 5),    // learnt on day 1
		dayEvent("b2", "CreateUser", "alice", 2, 30),  // new
		dayEvent("b3", "CreateUser", "alice", 2, 10),  // the same API earlier in the day, arriving later
		dayEvent("b4", "DeleteUser", "alice", 2, 20),  // new
		dayEvent("b5", "CreateUser", "alice", 2, 40),  // again
		dayEvent("b6", "DeleteUser", "alice", 2, 20),  // delivered twice
		dayEvent("b7", "ListUsers", "carol", 2, 1),    // new principal
		dayEvent("b8", "ListUsers", "carol", 2, 0),    // earlier, out of order
		dayEvent("b9", "ListRoles", "carol", 2, 59),   // new
		dayEvent("c1", "ListRoles", "carol", 2, 58),   // earlier
		dayEvent("c2", "ListAccounts", "carol", 2, 3), // new
	}
	store := &detect.MemState{}
	if fs := runStateful(t, store, nil, day1); len(fs) != 0 {
		t.Fatalf("findings during learning: %d", len(fs))
	}
	got := runStateful(t, store, nil, day2)
	summary := func(fs []vigil.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Service.Action.AWSAPICallAction.API+" "+f.Evidence.Principal[strings.LastIndexByte(f.Evidence.Principal, '/')+1:]+" "+strings.Join(f.Evidence.EventIDs, ","))
		}
		slices.Sort(out)
		return out
	}
	want := []string{"CreateUser alice b3", "DeleteUser alice b4", "ListAccounts carol c2", "ListRoles carol c1", "ListUsers carol b8"}
	if diff := cmp.Diff(want, summary(got)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	// Any order of day 2 gives the same findings (from a fresh day-1 state).
	for seed := range uint64(5) {
		s := &detect.MemState{}
		runStateful(t, s, nil, day1)
		shuffled := slices.Clone(day2)
		rand.New(rand.NewPCG(seed, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if diff := cmp.Diff(got, runStateful(t, s, nil, shuffled)); diff != "" {
			t.Fatalf("seed %d: order changed the findings:\n%s", seed, diff)
		}
	}

	// Running day 2 again with the saved state and findings changes nothing.
	if diff := cmp.Diff(got, runStateful(t, store, got, day2)); diff != "" {
		t.Errorf("re-run changed findings:\n%s", diff)
	}
}

func TestStateOfOtherDetectionsIsKept(t *testing.T) {
	store := &detect.MemState{}
	store.SaveState(map[string]json.RawMessage{"retired.detection": json.RawMessage(`{"x":1}`)})
	runStateful(t, store, nil, nil)
	m, _ := store.LoadState()
	if string(m["retired.detection"]) != `{"x":1}` || m["test.new_api"] == nil {
		t.Errorf("state after a run: %v", m)
	}
	bad := &detect.MemState{}
	bad.SaveState(map[string]json.RawMessage{"test.new_api": json.RawMessage(`[`)})
	en, _ := detect.New(registry(t, newAPIDetection), nil, detect.Options{})
	if err := en.LoadState(bad); err == nil {
		t.Error("damaged state loaded")
	}
}

// sshFromList is a flow-log test detection: traffic to port 22 from a listed address.
var sshFlow = &detect.Detection{
	ID: "test.ssh_flow", Type: "Test:EC2/SSH", Namespace: detect.NamespaceVigil, Severity: vigil.SeverityLow,
	Title: "SSH", Description: "Test.", FalsePositives: "Test.", Key: "instance and remote address", Source: detect.SourceFlowLogs,
	MatchFlow: func(r *vigil.FlowRecord, _ *detect.Context) *detect.Hit {
		if r.Int[vigil.FlowDstPort] != 22 {
			return nil
		}
		return &detect.Hit{Actor: r.Str[vigil.FlowSrcAddr]}
	},
}

func flow(src string, dport int64, start int64) vigil.FlowRecord {
	var r vigil.FlowRecord
	r.SetInt(vigil.FlowVersion, 2)
	r.SetStr(vigil.FlowAccountID, "111122223333")
	r.SetStr(vigil.FlowInterfaceID, "eni-0a1b2c3d")
	r.SetStr(vigil.FlowSrcAddr, src)
	r.SetStr(vigil.FlowDstAddr, "10.0.1.5")
	r.SetInt(vigil.FlowSrcPort, 50000+start%100)
	r.SetInt(vigil.FlowDstPort, dport)
	r.SetInt(vigil.FlowProtocol, 6)
	r.SetInt(vigil.FlowPackets, 3)
	r.SetInt(vigil.FlowBytes, 180)
	r.SetInt(vigil.FlowStart, start)
	r.SetInt(vigil.FlowEnd, start+60)
	r.SetStr(vigil.FlowAction, "REJECT")
	r.SetStr(vigil.FlowLogStatus, "OK")
	return r
}

func TestFlowFindings(t *testing.T) {
	en, err := detect.New(registry(t, sshFlow), nil, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Unix()
	for i, r := range []vigil.FlowRecord{flow("198.51.100.9", 22, start), flow("198.51.100.9", 22, start+60), flow("198.51.100.9", 443, start), flow("198.51.100.9", 22, start)} {
		_ = i
		en.Flow(&r, part)
	}
	fs := en.Findings()
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	f := fs[0]
	c := f.Service.Action.NetworkConnectionAction
	if f.Resource.ResourceType != vigil.ResourceInstance || f.Service.Count != 2 || f.Service.FeatureName != "FlowLogs" ||
		c == nil || c.ConnectionDirection != "INBOUND" || c.Protocol != "TCP" || !c.Blocked || c.LocalPortDetails.Port != 22 ||
		c.LocalPortDetails.PortName != "SSH" || c.RemoteIPDetails.IPAddressV4 != "198.51.100.9" || f.Service.ResourceRole != "TARGET" {
		t.Errorf("finding %+v, action %+v", f, c)
	}
	if want := []string{"eni-0a1b2c3d|198.51.100.9|50000|10.0.1.5|22|6|1714557600", "eni-0a1b2c3d|198.51.100.9|50060|10.0.1.5|22|6|1714557660"}; !slices.Equal(f.Evidence.FlowKeys, want) {
		t.Errorf("flow keys %v", f.Evidence.FlowKeys)
	}
	if !strings.HasPrefix(f.Evidence.SQL, "select * from auditing.flowlogs where date between '2024-05-01' and '2024-05-01' and ((interface_id = 'eni-0a1b2c3d' and srcaddr = '198.51.100.9' and srcport = 50000 and dstaddr = '10.0.1.5' and dstport = 22 and protocol = 6 and start = 1714557600) or (") {
		t.Errorf("sql %s", f.Evidence.SQL)
	}
	// A flow finding survives a reload.
	en2, _ := detect.New(registry(t, sshFlow), nil, detect.Options{})
	if err := en2.Load(fs); err != nil {
		t.Fatal(err)
	}
	r := flow("198.51.100.9", 22, start+60)
	en2.Flow(&r, part)
	if diff := cmp.Diff(fs, en2.Findings()); diff != "" {
		t.Errorf("reload and repeat changed the finding:\n%s", diff)
	}
}

// nameModel is a model two test detections share: it keeps the first
// event of each name and counts the events it observed.
type nameModel struct {
	Calls int                    `json:"calls"`
	First map[string]vigil.Event `json:"first"`
}

func (s *nameModel) ObserveEvent(e *vigil.Event, _ vigil.Partition, _ *detect.Context) []detect.Hit {
	s.Calls++
	if f, ok := s.First[e.EventName]; !ok || e.EventTime < f.EventTime {
		s.First[e.EventName] = *e
	}
	return nil
}

func (s *nameModel) Flush(*detect.Context) []detect.Hit {
	var hits []detect.Hit
	for _, name := range slices.Sorted(maps.Keys(s.First)) {
		e := s.First[name]
		hits = append(hits, detect.Hit{Detection: "test.model_" + strings.ToLower(strings.TrimSuffix(name, "User")),
			Event: &e, Partition: part, Description: "First " + name + "."})
	}
	return hits
}

func (s *nameModel) MarshalState() (json.RawMessage, error) { return json.Marshal(s) }

// UnmarshalState merges, as a shared model's must to take over the states
// its members kept on their own.
func (s *nameModel) UnmarshalState(b json.RawMessage) error {
	var in nameModel
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	s.Calls += in.Calls
	for k, e := range in.First {
		if f, ok := s.First[k]; !ok || e.EventTime < f.EventTime {
			s.First[k] = e
		}
	}
	return nil
}

func modelMember(id, typ string) *detect.Detection {
	return &detect.Detection{ID: id, Type: typ, Namespace: detect.NamespaceVigil, Severity: vigil.SeverityLow,
		Title: "First call", Description: "Test.", FalsePositives: "Test.", Key: "principal", Source: detect.SourceCloudTrail,
		Model: "test_model", NewStateful: func() detect.Stateful { return &nameModel{First: map[string]vigil.Event{}} }}
}

// TestSharedModel: detections sharing a model run one instance, which sees
// each event once and reports for each member; hits for members not
// running are dropped; the state is stored under the model's name, and
// states the members stored on their own are merged into it.
func TestSharedModel(t *testing.T) {
	create := modelMember("test.model_create", "Test:IAMUser/FirstCreate")
	del := modelMember("test.model_delete", "Test:IAMUser/FirstDelete")
	events := []vigil.Event{event("e1", "CreateUser", "alice", 1), event("e2", "DeleteUser", "alice", 2), event("e3", "CreateUser", "alice", 0)}
	for _, tc := range []struct {
		name  string
		ds    []*detect.Detection
		prior map[string]json.RawMessage
		want  []string
		calls int
	}{
		{"both", []*detect.Detection{del, create}, nil, []string{"Test:IAMUser/FirstCreate e3", "Test:IAMUser/FirstDelete e2"}, 3},
		{"one", []*detect.Detection{del}, nil, []string{"Test:IAMUser/FirstDelete e2"}, 3},
		{"migrated", []*detect.Detection{create, del}, map[string]json.RawMessage{
			"test.model_create": json.RawMessage(`{"calls":5,"first":{}}`), "test.model_delete": json.RawMessage(`{"calls":7,"first":{}}`),
			"other": json.RawMessage(`{}`),
		}, []string{"Test:IAMUser/FirstCreate e3", "Test:IAMUser/FirstDelete e2"}, 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &detect.MemState{}
			store.SaveState(tc.prior)
			en, err := detect.New(registry(t, tc.ds...), nil, detect.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := en.LoadState(store); err != nil {
				t.Fatal(err)
			}
			for i := range events {
				en.Event(&events[i], part)
			}
			en.Flush()
			var got []string
			for _, f := range en.Findings() {
				got = append(got, f.Type+" "+strings.Join(f.Evidence.EventIDs, ","))
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if err := en.SaveState(store); err != nil {
				t.Fatal(err)
			}
			m, _ := store.LoadState()
			var keys []string
			for k := range m {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			wantKeys := []string{"test_model"}
			if tc.prior != nil {
				wantKeys = []string{"other", "test_model"}
			}
			if diff := cmp.Diff(wantKeys, keys); diff != "" {
				t.Errorf("state keys (-want +got):\n%s", diff)
			}
			var st nameModel
			if err := json.Unmarshal(m["test_model"], &st); err != nil || st.Calls != tc.calls {
				t.Errorf("model state %s (%v): want %d calls", m["test_model"], err, tc.calls)
			}
		})
	}
	// A model may not share a name with a detection.
	clash := modelMember("test.model_x", "Test:IAMUser/X")
	clash.Model = "test.model_create"
	if _, err := detect.NewRegistry(create, clash); err == nil {
		t.Error("model named after a detection accepted")
	}
}
