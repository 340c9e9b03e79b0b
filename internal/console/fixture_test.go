package console

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/inventory"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// The fixture's organization: two accounts, an attacker address, a key.
const (
	acctA       = "111122223333"
	acctB       = "444455556666"
	attackerIP  = "203.0.113.50"
	accessKey   = "AKIAEXAMPLEKEY000001"
	aliceARN    = "arn:aws:iam::111122223333:user/alice"
	bobARN      = "arn:aws:sts::444455556666:assumed-role/ops/bob"
	opsRoleARN  = "arn:aws:iam::444455556666:role/ops"
	bucket      = "acme-data"
	bucketARN   = "arn:aws:s3:::acme-data"
	xssTitle    = `Bucket opened <script>alert("xss")</script>`
	csvAttack   = `=HYPERLINK("http://evil.example/x")`
	testCheckID = "test_s3_bucket_private"
	remediation = "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true"
	adminPass   = "correct horse battery"
	viewerPass  = "viewer password 1"
)

// The fixture's clock: the day after its data.
var fixtureNow = time.Date(2024, 5, 3, 12, 0, 0, 0, time.UTC)

func init() {
	compliance.Register(&compliance.Check{ID: testCheckID, Title: "S3 buckets are private", Service: "s3",
		Severity: compliance.High, ResourceType: "AWS::S3::Bucket", Remediation: remediation,
		Eval: func(*compliance.Account) []compliance.Result { return nil }})
}

func event(id, day, clock, account, region, name, source string, mod func(*vigil.Event)) vigil.Event {
	e := vigil.Event{EventVersion: "1.08", EventTime: day + "T" + clock + "Z", EventSource: source, EventName: name,
		AWSRegion: region, EventID: id, RecipientAccountID: account, ReadOnly: "true", EventType: "AwsApiCall"}
	if mod != nil {
		mod(&e)
	}
	return e
}

func alice(e *vigil.Event) {
	e.UserIdentity = vigil.UserIdentity{Type: "IAMUser", ARN: aliceARN, AccountID: acctA, AccessKeyID: accessKey, UserName: "alice"}
	e.SourceIPAddress = attackerIP
}

func writeEvents(t *testing.T, l *lake.Lake, p vigil.Partition, events ...vigil.Event) {
	t.Helper()
	tx, err := l.Begin()
	if err != nil {
		t.Fatal(err)
	}
	w := lake.NewCloudTrailWriter(tx, lake.WriterOptions{})
	if err := w.Write(p, "AWSLogs/fixture.json.gz", events); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// fixture is a lake, a reports folder and a console over them.
type fixture struct {
	lake, reports string
	srv           *Server
	ts            *httptest.Server
	viewerToken   string
	adminToken    string
}

// newFixture writes a small lake with every table and starts a console
// over it (TLS when tls is set).
func newFixture(t *testing.T, tls bool) *fixture {
	t.Helper()
	dir := t.TempDir()
	fx := &fixture{lake: filepath.Join(dir, "lake"), reports: filepath.Join(dir, "reports")}
	l, err := lake.Open(fx.lake, nil)
	if err != nil {
		t.Fatal(err)
	}
	day1, day2 := "2024-05-01", "2024-05-02"
	pA1 := vigil.Partition{Account: acctA, Region: "us-east-1", Date: day1}
	writeEvents(t, l, pA1,
		event("e-root", day1, "09:00:00", acctA, "us-east-1", "ConsoleLogin", "signin.amazonaws.com", func(e *vigil.Event) {
			e.UserIdentity = vigil.UserIdentity{Type: "Root", ARN: "arn:aws:iam::111122223333:root", AccountID: acctA}
			e.SourceIPAddress, e.EventType, e.ReadOnly = "198.51.100.7", "AwsConsoleSignIn", "false"
		}),
		event("e-list", day1, "10:00:00", acctA, "us-east-1", "ListBuckets", "s3.amazonaws.com", alice),
		event("e-acl", day1, "10:05:00", acctA, "us-east-1", "PutBucketAcl", "s3.amazonaws.com", func(e *vigil.Event) {
			alice(e)
			e.ReadOnly, e.UserAgent = "false", csvAttack
			e.RequestParameters = `{"bucketName":"acme-data","AccessControlPolicy":{"AccessControlList":{"Grant":{"Grantee":{"URI":"http://acs.amazonaws.com/groups/global/AllUsers"}}}}}`
			e.Resources = []vigil.Resource{{ARN: bucketARN, AccountID: acctA, Type: "AWS::S3::Bucket"}}
		}),
	)
	writeEvents(t, l, vigil.Partition{Account: acctB, Region: "eu-west-1", Date: day2},
		event("e-trail", day2, "08:00:00", acctB, "eu-west-1", "StopLogging", "cloudtrail.amazonaws.com", func(e *vigil.Event) {
			e.UserIdentity = vigil.UserIdentity{Type: "AssumedRole", ARN: bobARN, AccountID: acctB, SessionContext: &vigil.SessionContext{
				SessionIssuer: &vigil.SessionIssuer{Type: "Role", ARN: opsRoleARN, AccountID: acctB, UserName: "ops"}}}
			e.SourceIPAddress, e.ReadOnly, e.UserAgent = attackerIP, "false", "<script>alert(2)</script>"
		}),
	)
	tx, err := l.Begin()
	if err != nil {
		t.Fatal(err)
	}
	fw := lake.NewFlowWriter(tx, lake.WriterOptions{})
	var flows []vigil.FlowRecord
	for i, port := range []int64{22, 3389, 4444} {
		var r vigil.FlowRecord
		r.SetInt(vigil.FlowVersion, 2)
		r.SetStr(vigil.FlowAccountID, acctA)
		r.SetStr(vigil.FlowInterfaceID, "eni-0abc")
		r.SetStr(vigil.FlowSrcAddr, attackerIP)
		r.SetStr(vigil.FlowDstAddr, "10.0.0.5")
		r.SetInt(vigil.FlowSrcPort, 40000+int64(i))
		r.SetInt(vigil.FlowDstPort, port)
		r.SetInt(vigil.FlowProtocol, 6)
		r.SetInt(vigil.FlowPackets, 1)
		r.SetInt(vigil.FlowBytes, 60)
		r.SetInt(vigil.FlowStart, time.Date(2024, 5, 2, 7, i, 0, 0, time.UTC).Unix())
		r.SetInt(vigil.FlowEnd, time.Date(2024, 5, 2, 7, i, 30, 0, time.UTC).Unix())
		r.SetStr(vigil.FlowAction, "REJECT")
		r.SetStr(vigil.FlowLogStatus, "OK")
		flows = append(flows, r)
	}
	if err := fw.Write(vigil.Partition{Account: acctA, Region: "us-east-1", Date: day2}, "AWSLogs/flow.log.gz", flows); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	if err := l.WriteFindings(fixtureFindings()); err != nil {
		t.Fatal(err)
	}
	evaluated := time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC)
	fws := map[string][]string{"cis-aws-7.0": {"2.1.4"}}
	res := func(account, region, id, status, reason string) compliance.Result {
		return compliance.Result{Account: account, Region: region, CheckID: testCheckID, ResourceType: "AWS::S3::Bucket", ResourceID: id,
			ResourceARN: "arn:aws:s3:::" + id, Status: compliance.Status(status), Reason: reason, Severity: compliance.High,
			Frameworks: fws, EvaluatedAt: evaluated, SnapshotID: "snap-1"}
	}
	if err := l.WriteCompliance("run-1", []compliance.Result{
		res(acctA, "us-east-1", bucket, "FAIL", "Bucket acme-data grants READ to AllUsers."),
		res(acctA, "us-east-1", "acme-logs", "PASS", "Bucket acme-logs is private."),
		res(acctB, "eu-west-1", "b-data", "PASS", "Bucket b-data is private."),
	}); err != nil {
		t.Fatal(err)
	}
	item := func(day string, conf string) *inventory.Item {
		at, _ := time.Parse(time.DateOnly, day)
		return &inventory.Item{Version: "1.3", AccountID: acctA, CaptureTime: at.Add(6 * time.Hour), Status: "OK",
			StateID: day, ResourceType: "AWS::S3::Bucket", ResourceID: bucket, ResourceName: bucket, ARN: bucketARN,
			Region: "us-east-1", Configuration: json.RawMessage(conf)}
	}
	if err := l.WriteConfigItems("snap-0", lake.ItemSourceAPI, []*inventory.Item{item(day1, `{"name":"acme-data","acl":"private"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := l.WriteConfigItems("snap-1", lake.ItemSourceAPI, []*inventory.Item{item(day2, `{"name":"acme-data","acl":"public-read"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	err = RecordIngestRun(fx.lake, time.Date(2024, 5, 2, 9, 0, 0, 0, time.UTC), ingest.Stats{Files: 3, Failed: 1,
		Errors: []ingest.InputError{{File: "AWSLogs/bad.json.gz", Error: "gzip: invalid header"}}})
	if err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(fx.reports, "audit-1")
	if err := os.MkdirAll(run, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(run, "index.html"), []byte(`<!doctype html><title>report</title><h1 id="r">Audit report</h1><script>document.getElementById("r").textContent = "Audit report (script ran)"</script>`), 0o600)
	os.WriteFile(filepath.Join(run, "results.json"), []byte(`[{"status":"FAIL"},{"status":"PASS"},{"status":"PASS","muted":true}]`), 0o600)
	os.WriteFile(filepath.Join(fx.reports, "secret.txt"), []byte("not a report file"), 0o600)

	auth, err := OpenAuth(fx.lake)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := auth.EnsureAdmin(adminPass, fixtureNow); err != nil {
		t.Fatal(err)
	}
	if err := auth.AddUser("vera", RoleViewer, viewerPass, fixtureNow); err != nil {
		t.Fatal(err)
	}
	if fx.viewerToken, err = auth.CreateToken("viewer-script", RoleViewer, fixtureNow); err != nil {
		t.Fatal(err)
	}
	if fx.adminToken, err = auth.CreateToken("admin-script", RoleAdmin, fixtureNow); err != nil {
		t.Fatal(err)
	}
	sb, err := lake.OpenSandbox(t.Context(), fx.lake, lake.SandboxLimits{MaxRows: 150})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	fx.srv, err = New(Options{Lake: fx.lake, Reports: fx.reports, Sandbox: sb, Auth: auth, TLS: tls, Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	if tls {
		fx.ts = httptest.NewTLSServer(fx.srv)
	} else {
		fx.ts = httptest.NewServer(fx.srv)
	}
	t.Cleanup(fx.ts.Close)
	return fx
}

func fixtureFindings() []vigil.Finding {
	f := func(id, typ string, sev vigil.Severity, account, region, title, principal, day string, eventIDs []string, sql string) vigil.Finding {
		fd := vigil.Finding{SchemaVersion: vigil.FindingSchemaVersion, AccountID: account, Region: region, Partition: "aws", ID: id,
			Type: typ, Severity: sev, Title: title, Description: title + ".", CreatedAt: day + "T12:00:00.000Z", UpdatedAt: day + "T12:00:00.000Z",
			Resource: vigil.FindingResource{ResourceType: vigil.ResourceAccessKey}}
		fd.Service.ServiceName, fd.Service.Count = "vigil", int64(max(1, len(eventIDs)))
		fd.Service.EventFirstSeen, fd.Service.EventLastSeen = day+"T10:05:00.000Z", day+"T10:05:00.000Z"
		fd.Service.Action = vigil.Action{ActionType: vigil.ActionAWSAPICall, AWSAPICallAction: &vigil.AWSAPICallAction{
			API: "PutBucketAcl", ServiceName: "s3.amazonaws.com", RemoteIPDetails: &vigil.RemoteIPDetails{IPAddressV4: attackerIP}}}
		fd.Evidence = vigil.Evidence{EventIDs: eventIDs, SQL: sql, Principal: principal}
		return fd
	}
	acl := f("f-acl", "Policy:S3/BucketAnonymousAccessGranted", 8, acctA, "us-east-1", xssTitle, aliceARN, "2024-05-01",
		[]string{"e-acl"}, "select * from auditing.cloudtrail where date between '2024-05-01' and '2024-05-01' and eventid in ('e-acl') order by eventtime, eventid")
	trail := f("f-trail", "Stealth:IAMUser/CloudTrailLoggingDisabled", 5, acctB, "eu-west-1", "CloudTrail logging was stopped", bobARN, "2024-05-02",
		[]string{"e-trail"}, "select * from auditing.cloudtrail where date between '2024-05-02' and '2024-05-02' and eventid in ('e-trail') order by eventtime, eventid")
	probe := f("f-probe", "Recon:EC2/PortProbeUnprotectedPort", 2, acctA, "us-east-1", "Unprotected ports probed", "", "2024-05-02", nil,
		"select * from auditing.flowlogs where date between '2024-05-02' and '2024-05-02' and srcaddr = '203.0.113.50' order by start, interface_id, srcaddr, srcport")
	probe.Evidence.FlowKeys = []string{"eni-0abc|203.0.113.50|40000|10.0.0.5|22|6|1714633200"}
	probe.Resource.ResourceType = vigil.ResourceInstance
	probe.Service.Action = vigil.Action{ActionType: vigil.ActionPortProbe, PortProbeAction: &vigil.PortProbeAction{
		PortProbeDetails: []vigil.PortProbeDetails{{RemoteIPDetails: &vigil.RemoteIPDetails{IPAddressV4: attackerIP}}}}}
	acl.Resource = vigil.FindingResource{ResourceType: vigil.ResourceS3Bucket, S3BucketDetails: []vigil.S3BucketDetail{{ARN: bucketARN, Name: bucket, Type: "Destination"}}}
	kali := f("f-kali", "PenTest:IAMUser/KaliLinux", 5, acctA, "us-east-1", "API calls from Kali Linux", aliceARN, "2024-05-01",
		[]string{"e-list"}, "select * from auditing.cloudtrail where date between '2024-05-01' and '2024-05-01' and eventid in ('e-list') order by eventtime, eventid")
	kali.Service.Archived = true
	return []vigil.Finding{acl, trail, probe, kali}
}

// client is a browser-like client: cookies, no automatic redirects.
func (fx *fixture) client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := fx.ts.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf returns the first CSRF token in a page.
func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page:\n%s", page)
	}
	return m[1]
}

// get fetches a path and returns the status and body.
func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// post submits a form and returns the response (body read).
func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// login signs in and returns a client holding the session.
func (fx *fixture) login(t *testing.T, user, password string) *http.Client {
	t.Helper()
	c := fx.client(t)
	_, page := get(t, c, fx.ts.URL+"/login")
	resp, body := post(t, c, fx.ts.URL+"/login", url.Values{"csrf": {csrfOf(t, page)}, "username": {user}, "password": {password}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d\n%s", user, resp.StatusCode, body)
	}
	return c
}
