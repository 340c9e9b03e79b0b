package detect_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
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

// everyCall fires on every event, keyed by access key.
var everyCall = &detect.Detection{
	ID: "test.any_call", Type: "Test:IAMUser/AnyCall", Namespace: detect.NamespaceVigil, Severity: vigil.SeverityLow,
	Title: "Any call", Description: "Fires on every event.", FalsePositives: "All of them.", Key: "access key",
	Source: detect.SourceCloudTrail,
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		return &detect.Hit{Description: "Call " + e.EventName + "."}
	},
}

// deletes fires on Delete* calls, more severe for DeleteTrail, keyed by caller.
var deletes = &detect.Detection{
	ID: "test.deletes", Type: "Test:IAMUser/Deletes", Namespace: detect.NamespaceVigil, Severity: vigil.SeverityLow,
	Title: "Deletes", Description: "Fires on Delete calls.", FalsePositives: "Cleanup.", Key: "caller",
	Source: detect.SourceCloudTrail,
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if !strings.HasPrefix(e.EventName, "Delete") {
			return nil
		}
		h := &detect.Hit{Resource: e.UserIdentity.ARN, Description: e.EventName + " by " + e.UserIdentity.ARN + "."}
		if e.EventName == "DeleteTrail" {
			h.Severity = vigil.SeverityHigh
		}
		return h
	},
}

func registry(t testing.TB, ds ...*detect.Detection) *detect.Registry {
	t.Helper()
	r, err := detect.NewRegistry(ds...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// event returns an API call by user at minute m of 2024-05-01.
func event(id, name, user string, m int) vigil.Event {
	return vigil.Event{
		EventVersion: "1.09", EventID: id, EventName: name, EventSource: "iam.amazonaws.com", AWSRegion: "us-east-1",
		EventTime:       time.Date(2024, 5, 1, 10, m, 0, 0, time.UTC).Format(time.RFC3339),
		SourceIPAddress: "198.51.100.7", UserAgent: "aws-cli/2.15.0", RecipientAccountID: "111122223333", EventType: "AwsApiCall",
		UserIdentity: vigil.UserIdentity{Type: "IAMUser", ARN: "arn:aws:iam::111122223333:user/" + user, AccountID: "111122223333",
			AccessKeyID: "AKIA" + strings.ToUpper(user), PrincipalID: "AIDA" + strings.ToUpper(user), UserName: user},
	}
}

var part = vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2024-05-01"}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func run(t testing.TB, reg *detect.Registry, c *detect.Context, now func() time.Time, prior []vigil.Finding, events []vigil.Event) (*detect.Engine, []vigil.Finding) {
	t.Helper()
	en, err := detect.New(reg, c, detect.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := en.Load(prior); err != nil {
		t.Fatal(err)
	}
	for i := range events {
		en.Event(&events[i], part)
	}
	en.Flush()
	return en, en.Findings()
}

func TestAggregation(t *testing.T) {
	reg := registry(t, deletes)
	events := []vigil.Event{
		event("e1", "DeleteUser", "alice", 1),
		event("e2", "DeleteRole", "alice", 5),
		event("e3", "DeleteTrail", "alice", 3),
		event("e2", "DeleteRole", "alice", 5), // delivered twice
		event("e4", "DeleteUser", "bob", 2),
		event("e5", "ListUsers", "alice", 4),
	}
	clk := &clock{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	en, fs := run(t, reg, nil, clk.now, nil, events)
	if len(fs) != 2 {
		t.Fatalf("%d findings, want 2 (one per caller)", len(fs))
	}
	a := fs[0] // High sorts first
	if a.Evidence.Principal != "arn:aws:iam::111122223333:user/alice" {
		t.Fatalf("first finding is %s's", a.Evidence.Principal)
	}
	if a.Service.Count != 3 || a.Severity != vigil.SeverityHigh {
		t.Errorf("count %d severity %v, want 3 and High (the highest hit)", a.Service.Count, a.Severity)
	}
	if a.Service.EventFirstSeen != "2024-05-01T10:01:00.000Z" || a.Service.EventLastSeen != "2024-05-01T10:05:00.000Z" {
		t.Errorf("seen %s .. %s", a.Service.EventFirstSeen, a.Service.EventLastSeen)
	}
	if diff := cmp.Diff([]string{"e1", "e3", "e2"}, a.Evidence.EventIDs); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if a.Description != "DeleteRole by arn:aws:iam::111122223333:user/alice." || a.Service.Action.AWSAPICallAction.API != "DeleteRole" {
		t.Errorf("sample is not the latest occurrence: %q", a.Description)
	}
	if want := "select * from auditing.cloudtrail where date between '2024-05-01' and '2024-05-01' and eventid in ('e1', 'e3', 'e2') order by eventtime, eventid"; a.Evidence.SQL != want {
		t.Errorf("sql = %s", a.Evidence.SQL)
	}
	if len(a.ID) != 32 || a.CreatedAt != "2025-01-01T00:00:00.000Z" || a.UpdatedAt != a.CreatedAt {
		t.Errorf("id %q created %s updated %s", a.ID, a.CreatedAt, a.UpdatedAt)
	}
	st := en.Stats()
	if st.Events != 6 || st.Findings != 2 || st.New != 2 || st.Updated != 0 || st.Hits != 5 {
		t.Errorf("stats %+v", st)
	}

	// Out of order: the same findings.
	shuffled := append([]vigil.Event(nil), events...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	_, fs2 := run(t, reg, nil, clk.now, nil, shuffled)
	if diff := cmp.Diff(fs, fs2); diff != "" {
		t.Errorf("out-of-order findings differ (-in order +shuffled):\n%s", diff)
	}

	// A re-run over the same events, later, changes nothing: not even updatedAt.
	clk.t = clk.t.Add(24 * time.Hour)
	en3, fs3 := run(t, reg, nil, clk.now, fs, events)
	if diff := cmp.Diff(fs, fs3); diff != "" {
		t.Errorf("re-run changed findings (-first +re-run):\n%s", diff)
	}
	if st := en3.Stats(); st.New != 0 || st.Updated != 0 || len(en3.Changed()) != 0 {
		t.Errorf("re-run stats %+v", st)
	}

	// A new occurrence updates the finding as GuardDuty does.
	_, fs4 := run(t, reg, nil, clk.now, fs, []vigil.Event{event("e9", "DeleteGroup", "alice", 30)})
	b := fs4[0]
	if b.ID != a.ID || b.Service.Count != 4 || b.Service.EventLastSeen != "2024-05-01T10:30:00.000Z" ||
		b.CreatedAt != a.CreatedAt || b.UpdatedAt != "2025-01-02T00:00:00.000Z" || b.Service.EventFirstSeen != a.Service.EventFirstSeen {
		t.Errorf("after a repeat: %+v", b.Service)
	}
}

func TestIDsAreStable(t *testing.T) {
	reg := registry(t, deletes)
	_, a := run(t, reg, nil, time.Now, nil, []vigil.Event{event("e1", "DeleteUser", "alice", 1)})
	_, b := run(t, reg, nil, time.Now, nil, []vigil.Event{event("e2", "DeleteRole", "alice", 9)})
	_, c := run(t, reg, nil, time.Now, nil, []vigil.Event{event("e3", "DeleteRole", "bob", 9)})
	if a[0].ID != b[0].ID || a[0].ID == c[0].ID || a[0].ARN != b[0].ARN {
		t.Errorf("ids %s %s %s", a[0].ID, b[0].ID, c[0].ID)
	}
	if !strings.HasPrefix(a[0].ARN, "arn:aws:vigil:us-east-1:111122223333:detector/") || !strings.HasSuffix(a[0].ARN, "/finding/"+a[0].ID) {
		t.Errorf("arn %s", a[0].ARN)
	}
}

func TestManyEventsCountedOnce(t *testing.T) {
	reg := registry(t, everyCall)
	const n = 5000
	events := make([]vigil.Event, n)
	for i := range events {
		events[i] = event(fmt.Sprintf("ev-%05d", i), "ListUsers", "alice", 0)
		events[i].EventTime = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.RFC3339)
	}
	_, fs := run(t, reg, nil, time.Now, nil, events)
	f := fs[0]
	if f.Service.Count < n*98/100 || f.Service.Count > n*102/100 {
		t.Errorf("count %d, want %d ± 2%%", f.Service.Count, n)
	}
	if len(f.Evidence.EventIDs) != 100 || f.Evidence.EventIDs[0] != "ev-00000" || f.Evidence.EventIDs[49] != "ev-00049" ||
		f.Evidence.EventIDs[50] != "ev-04950" || f.Evidence.EventIDs[99] != "ev-04999" {
		t.Errorf("evidence: %d ids, %v ... %v", len(f.Evidence.EventIDs), f.Evidence.EventIDs[:2], f.Evidence.EventIDs[98:])
	}
	// Half of them again, in reverse, plus a re-run of all: nothing changes.
	again := make([]vigil.Event, 0, n)
	for i := n - 1; i >= 0; i -= 2 {
		again = append(again, events[i])
	}
	_, fs2 := run(t, reg, nil, time.Now, fs, append(again, events...))
	if diff := cmp.Diff(fs, fs2); diff != "" {
		t.Errorf("re-run changed the finding (-first +re-run):\n%s", diff)
	}
	// Shuffled input gives the same sketch, byte for byte.
	shuffled := append([]vigil.Event(nil), events...)
	rand.New(rand.NewPCG(3, 4)).Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	_, fs3 := run(t, reg, nil, func() time.Time { return time.Time{} }, nil, shuffled)
	_, fs4 := run(t, reg, nil, func() time.Time { return time.Time{} }, nil, events)
	if diff := cmp.Diff(fs4, fs3); diff != "" {
		t.Errorf("order changed the finding:\n%s", diff)
	}
	// Exact below the threshold.
	_, small := run(t, reg, nil, time.Now, nil, events[:100])
	if small[0].Service.Count != 100 {
		t.Errorf("count of 100 = %d", small[0].Service.Count)
	}
	_, small = run(t, reg, nil, time.Now, nil, events[:101])
	if small[0].Service.Count != 101 || len(small[0].Evidence.EventIDs) != 100 {
		t.Errorf("count of 101 = %d", small[0].Service.Count)
	}
	_, small = run(t, reg, nil, time.Now, nil, append(events[:1024:1024], events[:500]...))
	if small[0].Service.Count != 1024 {
		t.Errorf("count of 1024 = %d", small[0].Service.Count)
	}
}

func TestLoadRejectsDamagedState(t *testing.T) {
	reg := registry(t, everyCall)
	_, fs := run(t, reg, nil, time.Now, nil, []vigil.Event{event("e1", "ListUsers", "alice", 1)})
	en, _ := detect.New(reg, nil, detect.Options{})
	if err := en.Load(append(fs, fs...)); err == nil {
		t.Error("duplicate findings loaded")
	}
	bad := fs[0]
	bad.Evidence.Sketch = []byte{1, 0, 200}
	en, _ = detect.New(reg, nil, detect.Options{})
	if err := en.Load([]vigil.Finding{bad}); err == nil {
		t.Error("damaged sketch loaded")
	}
}

func TestClassifier(t *testing.T) {
	reg := registry(t, everyCall)
	base := event("x", "CreateLogGroup", "alice", 1)
	var events []vigil.Event
	for i, mod := range []func(e *vigil.Event){
		func(e *vigil.Event) { e.UserIdentity.InvokedBy = "cloudformation.amazonaws.com" },
		func(e *vigil.Event) {
			e.UserIdentity = vigil.UserIdentity{Type: "AWSService", InvokedBy: "ec2.amazonaws.com"}
		},
		func(e *vigil.Event) { e.EventType = "AwsServiceEvent" },
		func(e *vigil.Event) { e.SourceIPAddress = "ec2.amazonaws.com" },
		func(e *vigil.Event) { e.SourceIPAddress = "s3.cn-north-1.amazonaws.com.cn" },
		func(e *vigil.Event) { e.SourceIPAddress = "AWS Internal" },
		func(e *vigil.Event) { e.UserAgent = "AWS Internal" },
		func(e *vigil.Event) { e.SourceIPAddress = "203.0.113.9" }, // on the trusted list
	} {
		e := base
		e.EventID = fmt.Sprint("svc-", i)
		mod(&e)
		events = append(events, e)
	}
	trusted, _ := geo.NewList("office", "203.0.113.0/24")
	c := &detect.Context{Trusted: []*geo.List{trusted}}
	en, fs := run(t, reg, c, time.Now, nil, events)
	if len(fs) != 0 {
		t.Errorf("%d findings on AWS's own and trusted calls: %+v", len(fs), fs[0].Service.Action.AWSAPICallAction)
	}
	if st := en.Stats(); st.AWSInternal != 7 || st.Trusted != 1 {
		t.Errorf("stats %+v", st)
	}
	// The same call made by a person does fire, with a console user agent.
	e := base
	e.UserAgent = "console.amazonaws.com"
	if _, fs := run(t, reg, c, time.Now, nil, []vigil.Event{e}); len(fs) != 1 {
		t.Errorf("%d findings for a console call", len(fs))
	}
}

func TestSuppression(t *testing.T) {
	reg := registry(t, deletes, everyCall)
	c := &detect.Context{Suppressions: []detect.Suppression{{Name: "cleanup robot", Types: []string{"Test:*/Deletes"}, Principals: []string{"arn:aws:iam::*:user/bob"}}}}
	_, fs := run(t, reg, c, time.Now, nil, []vigil.Event{event("e1", "DeleteUser", "alice", 1), event("e2", "DeleteUser", "bob", 2)})
	archived := map[string]bool{}
	for _, f := range fs {
		archived[f.Type+" "+f.Evidence.Principal] = f.Service.Archived
	}
	want := map[string]bool{
		"Test:IAMUser/Deletes arn:aws:iam::111122223333:user/alice": false,
		"Test:IAMUser/Deletes arn:aws:iam::111122223333:user/bob":   true,
		"Test:IAMUser/AnyCall arn:aws:iam::111122223333:user/alice": false,
		"Test:IAMUser/AnyCall arn:aws:iam::111122223333:user/bob":   false,
	}
	if diff := cmp.Diff(want, archived); diff != "" {
		t.Errorf("archived (-want +got):\n%s", diff)
	}
	for _, bad := range []detect.Suppression{{Name: "everything"}, {Types: []string{"x"}}, {Name: "bad ip", IPs: []string{"300.0.0.1"}}} {
		if _, err := detect.New(reg, &detect.Context{Suppressions: []detect.Suppression{bad}}, detect.Options{}); err == nil {
			t.Errorf("rule %+v accepted", bad)
		}
	}
	ip := detect.Suppression{Name: "scanner", IPs: []string{"198.51.100.0/24"}}
	_, fs = run(t, reg, &detect.Context{Suppressions: []detect.Suppression{ip}}, time.Now, nil, []vigil.Event{event("e1", "DeleteUser", "alice", 1)})
	for _, f := range fs {
		if !f.Service.Archived {
			t.Errorf("%s from a suppressed address not archived", f.Type)
		}
	}
}

func TestFindingShape(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "geo.mmdb")
	geotest.Write(t, db, "GeoLite2-City", geotest.Entry{CIDR: "198.51.100.0/24", Location: geo.Location{
		CountryCode: "NL", CountryName: "Netherlands", City: "Amsterdam", ASN: 64500, ASNOrg: "Example Hosting", HasCoords: true, Lat: 52.37, Lon: 4.89}})
	g, err := geo.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	threats, _ := geo.NewList("custom", "198.51.100.7")
	bucketHit := &detect.Detection{
		ID: "test.bucket", Type: "Test:S3/Bucket", Namespace: detect.NamespaceVigil, Severity: vigil.SeverityMedium,
		Title: "Bucket touched", Description: "Test.", FalsePositives: "Test.", Key: "bucket", Source: detect.SourceCloudTrail,
		Events: []string{"PutBucketAcl"},
		Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
			a, _ := detect.SourceAddr(e)
			l, p, _ := c.ThreatMatch(a)
			return &detect.Hit{Resource: "bucket/b1", Buckets: []string{"b1"}, Info: map[string]string{"reason": "test"}, ThreatList: l.Name, ThreatName: p.String(), Description: "Bucket b1 touched."}
		},
	}
	e := event("e1", "PutBucketAcl", "alice", 1)
	e.EventSource = "s3.amazonaws.com"
	e.UserIdentity.AccountID = "444455556666" // a cross-account call
	e.Resources = []vigil.Resource{{Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::b1"}}
	_, fs := run(t, registry(t, bucketHit), &detect.Context{Geo: g, ThreatLists: []*geo.List{threats}, Accounts: map[string]bool{"444455556666": true}}, detecttest.FixedClock, nil, []vigil.Event{e})
	b, err := json.MarshalIndent(fs[0], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	json.Unmarshal(b, &got)
	for _, path := range []string{
		"schemaVersion=2.0", "accountId=111122223333", "region=us-east-1", "partition=aws", "type=Test:S3/Bucket", "severity=5",
		"title=Bucket touched", "description=Bucket b1 touched.", "createdAt=2025-01-02T03:04:05.000Z",
		"resource.resourceType=S3Bucket", "resource.accessKeyDetails.accessKeyId=AKIAALICE", "resource.accessKeyDetails.userName=alice",
		"resource.accessKeyDetails.userType=IAMUser", "resource.s3BucketDetails.0.name=b1", "resource.s3BucketDetails.0.arn=arn:aws:s3:::b1",
		"service.serviceName=vigil", "service.featureName=CloudTrail", "service.resourceRole=TARGET", "service.count=1", "service.archived=false",
		"service.eventFirstSeen=2024-05-01T10:01:00.000Z", "service.action.actionType=AWS_API_CALL",
		"service.action.awsApiCallAction.api=PutBucketAcl", "service.action.awsApiCallAction.serviceName=s3.amazonaws.com",
		"service.action.awsApiCallAction.callerType=Remote IP", "service.action.awsApiCallAction.userAgent=aws-cli/2.15.0",
		"service.action.awsApiCallAction.remoteIpDetails.ipAddressV4=198.51.100.7",
		"service.action.awsApiCallAction.remoteIpDetails.country.countryName=Netherlands",
		"service.action.awsApiCallAction.remoteIpDetails.city.cityName=Amsterdam",
		"service.action.awsApiCallAction.remoteIpDetails.organization.asn=64500",
		"service.action.awsApiCallAction.remoteIpDetails.organization.asnOrg=Example Hosting",
		"service.action.awsApiCallAction.remoteIpDetails.geoLocation.lat=52.37",
		"service.action.awsApiCallAction.remoteAccountDetails.accountId=444455556666",
		"service.action.awsApiCallAction.remoteAccountDetails.affiliated=true",
		"service.action.awsApiCallAction.affectedResources.AWS::S3::Bucket=arn:aws:s3:::b1",
		"service.evidence.threatIntelligenceDetails.0.threatListName=custom",
		"service.evidence.threatIntelligenceDetails.0.threatNames.0=198.51.100.7/32",
		`service.additionalInfo.value={"detectionId":"test.bucket","reason":"test","resource":"bucket/b1","threatListName":"custom"}`, "service.additionalInfo.type=default",
		"evidence.eventIds.0=e1", "evidence.principal=arn:aws:iam::111122223333:user/alice",
	} {
		keys, want, _ := strings.Cut(path, "=")
		var v any = got
		for _, k := range strings.Split(keys, ".") {
			switch x := v.(type) {
			case map[string]any:
				if k == "AWS::S3::Bucket" {
					v = x[k]
					continue
				}
				v = x[k]
			case []any:
				var i int
				fmt.Sscan(k, &i)
				v = x[i]
			}
		}
		if fmt.Sprint(v) != want {
			t.Errorf("%s = %v, want %s", keys, v, want)
		}
	}
	if strings.Contains(string(b), "sketch") || len(fs[0].Service.DetectorID) != 32 {
		t.Errorf("unexpected JSON:\n%s", b)
	}
	if _, ok := detect.SourceAddr(&vigil.Event{SourceIPAddress: "ec2.amazonaws.com"}); ok {
		t.Error("a host name parsed as an address")
	}
	if a, ok := detect.SourceAddr(&vigil.Event{SourceIPAddress: "2001:db8::1"}); !ok || a != netip.MustParseAddr("2001:db8::1") {
		t.Error("IPv6 source not parsed")
	}
}

func TestRegistryValidation(t *testing.T) {
	good := *everyCall
	for name, mod := range map[string]func(d *detect.Detection){
		"bad id":         func(d *detect.Detection) { d.ID = "AnyCall" },
		"bad type":       func(d *detect.Detection) { d.Type = "any call" },
		"long type":      func(d *detect.Detection) { d.Type = "Test:IAMUser/" + strings.Repeat("X", 40) },
		"no title":       func(d *detect.Detection) { d.Title = "" },
		"no fp notes":    func(d *detect.Detection) { d.FalsePositives = "" },
		"no key":         func(d *detect.Detection) { d.Key = "" },
		"bad severity":   func(d *detect.Detection) { d.Severity = 0 },
		"bad namespace":  func(d *detect.Detection) { d.Namespace = "Other" },
		"no logic":       func(d *detect.Detection) { d.Match = nil },
		"two logics":     func(d *detect.Detection) { d.NewStateful = func() detect.Stateful { return nil } },
		"flow with name": func(d *detect.Detection) { d.Source = detect.SourceFlowLogs },
		"bad source":     func(d *detect.Detection) { d.Source = "dns" },
	} {
		d := good
		mod(&d)
		if _, err := detect.NewRegistry(&d); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	dup := good
	dup.Type = "Test:IAMUser/Other"
	if _, err := detect.NewRegistry(&good, &dup); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("duplicate ID: %v", err)
	}
	alias := *deletes
	alias.Aliases = []string{good.ID}
	if _, err := detect.NewRegistry(&good, &alias); err == nil {
		t.Error("alias clash accepted")
	}
	r := registry(t, &good)
	if d, ok := r.ByType("Test:IAMUser/AnyCall"); !ok || d.ID != good.ID {
		t.Error("ByType")
	}
}

// TestConcurrentEvents feeds events from several goroutines, as ingest's
// workers would.
func TestConcurrentEvents(t *testing.T) {
	reg := registry(t, everyCall, deletes)
	en, err := detect.New(reg, nil, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const workers, per = 4, 200 // 800 events: counted exactly
	done := make(chan bool)
	for w := range workers {
		go func() {
			batch := make([]vigil.Event, 0, per)
			for i := range per {
				batch = append(batch, event(fmt.Sprintf("w%d-%d", w, i), "DeleteUser", "alice", i%60))
			}
			en.Events(part, batch[:per/2])
			for i := per / 2; i < per; i++ {
				en.Event(&batch[i], part)
			}
			done <- true
		}()
	}
	for range workers {
		<-done
	}
	fs := en.Findings()
	if len(fs) != 2 || fs[0].Service.Count != workers*per || fs[1].Service.Count != workers*per {
		t.Errorf("%d findings, counts %d %d", len(fs), fs[0].Service.Count, fs[1].Service.Count)
	}
	if st := en.Stats(); st.Events != workers*per || st.Hits != 2*workers*per {
		t.Errorf("stats %+v", st)
	}
	if d, ok := reg.Get("test.deletes"); !ok || d != deletes {
		t.Error("Get")
	}
}
