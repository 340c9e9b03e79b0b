package synth

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var testStart = time.Date(2024, 7, 30, 0, 0, 0, 0, time.UTC)

// moderate is the run the brief sizes tests by: 2 accounts x 2 regions x 3
// days x 500 events.
func moderate(dir string) Options {
	return Options{
		Dir:           dir,
		Seed:          7,
		Accounts:      2,
		Regions:       []string{"us-east-1", "eu-west-1"},
		Start:         testStart,
		Days:          3,
		EventsPerDay:  500,
		EventsPerFile: 100,
		Compress:      true,
		Digests:       true,
	}
}

// tree reads every file under dir, keyed by slash path relative to dir.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func generate(t *testing.T, o Options) (Stats, map[string][]byte) {
	t.Helper()
	st, err := Generate(t.Context(), o)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return st, tree(t, o.Dir)
}

func gunzip(t *testing.T, name string, b []byte) []byte {
	t.Helper()
	if !strings.HasSuffix(name, ".gz") {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return raw
}

func TestGenerateDeterministic(t *testing.T) {
	o1, o2 := moderate(t.TempDir()), moderate(t.TempDir())
	st1, a := generate(t, o1)
	// Another degree of parallelism must not change a byte.
	prev := runtime.GOMAXPROCS(1)
	st2, b := generate(t, o2)
	runtime.GOMAXPROCS(prev)
	if st1 != st2 {
		t.Errorf("stats differ: %+v vs %+v", st1, st2)
	}
	if len(a) != len(b) {
		t.Fatalf("file counts differ: %d vs %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between runs", name)
		}
	}

	o3 := moderate(t.TempDir())
	o3.Seed++
	_, c := generate(t, o3)
	same := 0
	for name := range c {
		if _, ok := a[name]; ok {
			same++
		}
	}
	if same != 0 {
		t.Errorf("seed %d and %d share %d file names", o1.Seed, o3.Seed, same)
	}
}

func TestGenerateSeedChangesContent(t *testing.T) {
	// Same accounts are impossible across seeds, so compare record content:
	// two seeds must not produce the same event ids.
	_, a := generate(t, moderate(t.TempDir()))
	o := moderate(t.TempDir())
	o.Seed = 8
	_, b := generate(t, o)
	ids := make(map[string]bool)
	for name, data := range a {
		for _, r := range records(t, name, data) {
			ids[r["eventID"].(string)] = true
		}
	}
	for name, data := range b {
		for _, r := range records(t, name, data) {
			if ids[r["eventID"].(string)] {
				t.Fatalf("event id %s in both seeds", r["eventID"])
			}
		}
	}
}

var (
	logRE    = regexp.MustCompile(`^AWSLogs/(?:(o-[a-z0-9]{10,32})/)?(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8})T(\d{2})(\d{2})Z_[A-Za-z0-9]{16}\.json(\.gz)?$`)
	digestRE = regexp.MustCompile(`^AWSLogs/(?:(o-[a-z0-9]{10,32})/)?(\d{12})/CloudTrail-Digest/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_([A-Za-z0-9_.-]+)_([a-z0-9-]+)_(\d{8})T(\d{6})Z\.json(\.gz)?$`)
)

// logKey is what a log file's key says.
type logKey struct {
	org, account, region, date string // date YYYY-MM-DD
	window                     int    // minutes since midnight
	gz                         bool
}

func parseLogKey(name string) (logKey, bool) {
	m := logRE.FindStringSubmatch(name)
	if m == nil || m[2] != m[7] || m[3] != m[8] || m[4]+m[5]+m[6] != m[9] {
		return logKey{}, false
	}
	hh, mm := atoi(m[10]), atoi(m[11])
	if hh > 23 || mm > 55 || mm%5 != 0 {
		return logKey{}, false
	}
	return logKey{org: m[1], account: m[2], region: m[3], date: m[4] + "-" + m[5] + "-" + m[6], window: hh*60 + mm, gz: m[12] != ""}, true
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestLayout(t *testing.T) {
	for _, tc := range []struct {
		name     string
		org      string
		compress bool
	}{
		{"account trail", "", true},
		{"organization trail", "o-a1b2c3d4e5", true},
		{"plain json", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := moderate(t.TempDir())
			o.OrgID, o.Compress = tc.org, tc.compress
			st, files := generate(t, o)
			accounts := Accounts(o.Seed, o.Accounts)
			logs, digests := 0, 0
			for name := range files {
				if k, ok := parseLogKey(name); ok {
					logs++
					if k.org != tc.org || k.gz != tc.compress || !slices.Contains(accounts, k.account) || !slices.Contains(o.Regions, k.region) {
						t.Errorf("%s: unexpected org, extension, account or region", name)
					}
					continue
				}
				if m := digestRE.FindStringSubmatch(name); m != nil {
					digests++
					if m[1] != tc.org || m[2] != m[7] || m[3] != m[8] || m[4]+m[5]+m[6] != m[11] || (m[13] != "") != tc.compress {
						t.Errorf("%s: digest key is inconsistent", name)
					}
					continue
				}
				t.Errorf("%s: matches neither the log nor the digest layout", name)
			}
			if logs != st.Files || digests != st.DigestFiles {
				t.Errorf("found %d logs and %d digests, Stats says %d and %d", logs, digests, st.Files, st.DigestFiles)
			}
			if want := o.Accounts * len(o.Regions) * o.Days; digests != want {
				t.Errorf("%d digests, want one per account, region and day: %d", digests, want)
			}
		})
	}
}

// records decodes a log file.
func records(t *testing.T, name string, data []byte) []map[string]any {
	t.Helper()
	var f struct {
		Records []map[string]any
	}
	raw := gunzip(t, name, data)
	if !utf8.Valid(raw) {
		t.Fatalf("%s: not valid UTF-8", name)
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f.Records
}

// allowedKeys are CloudTrail's top-level record keys.
var allowedKeys = map[string]bool{
	"eventVersion": true, "userIdentity": true, "eventTime": true, "eventSource": true, "eventName": true,
	"awsRegion": true, "sourceIPAddress": true, "userAgent": true, "errorCode": true, "errorMessage": true,
	"requestParameters": true, "responseElements": true, "additionalEventData": true, "requestID": true,
	"eventID": true, "readOnly": true, "resources": true, "eventType": true, "apiVersion": true,
	"managementEvent": true, "recipientAccountId": true, "sharedEventID": true, "vpcEndpointId": true,
	"vpcEndpointAccountId": true, "serviceEventDetails": true, "eventCategory": true, "tlsDetails": true,
	"sessionCredentialFromConsole": true, "insightDetails": true,
}

var camelRE = regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`)

func requiredKeys(eventType string) []string {
	switch eventType {
	case "AwsCloudTrailInsight":
		return []string{"eventVersion", "eventTime", "awsRegion", "eventID", "eventType", "recipientAccountId", "sharedEventID", "insightDetails", "eventCategory"}
	default:
		return []string{"eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
			"sourceIPAddress", "userAgent", "requestParameters", "responseElements", "eventID", "readOnly",
			"eventType", "managementEvent", "recipientAccountId", "eventCategory"}
	}
}

func TestRecords(t *testing.T) {
	o := moderate(t.TempDir())
	st, files := generate(t, o)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	events := 0
	lastWindow := map[string]int{} // per account/region/day directory
	for _, name := range names {
		k, ok := parseLogKey(name)
		if !ok {
			continue
		}
		dir := name[:strings.LastIndexByte(name, '/')]
		if w, ok := lastWindow[dir]; ok && k.window < w {
			t.Errorf("%s: file names are not in time order", name)
		}
		lastWindow[dir] = k.window
		recs := records(t, name, files[name])
		if len(recs) == 0 {
			t.Errorf("%s: no records", name)
		}
		prev := ""
		for i, r := range recs {
			events++
			et, _ := r["eventType"].(string)
			for key := range r {
				if !allowedKeys[key] || !camelRE.MatchString(key) {
					t.Errorf("%s[%d]: unexpected key %q", name, i, key)
				}
			}
			for _, key := range requiredKeys(et) {
				if _, ok := r[key]; !ok {
					t.Errorf("%s[%d] (%s %v): missing %s", name, i, et, r["eventName"], key)
				}
			}
			ts, _ := r["eventTime"].(string)
			tm, err := time.Parse(time.RFC3339, ts)
			if err != nil || !strings.HasSuffix(ts, "Z") || len(ts) != 20 {
				t.Errorf("%s[%d]: eventTime %q", name, i, ts)
				continue
			}
			if tm.Format(time.DateOnly) != k.date {
				t.Errorf("%s[%d]: eventTime %s is not on the key's day %s", name, i, ts, k.date)
			}
			if m := tm.Hour()*60 + tm.Minute(); m < k.window || m >= k.window+5 {
				t.Errorf("%s[%d]: eventTime %s is outside the file's window", name, i, ts)
			}
			if ts < prev {
				t.Errorf("%s[%d]: records are not in time order", name, i)
			}
			prev = ts
			if r["awsRegion"] != k.region || r["recipientAccountId"] != k.account {
				t.Errorf("%s[%d]: awsRegion %v / recipientAccountId %v do not match the key", name, i, r["awsRegion"], r["recipientAccountId"])
			}
			if et != "AwsCloudTrailInsight" {
				ui, _ := r["userIdentity"].(map[string]any)
				if ui == nil {
					t.Errorf("%s[%d]: userIdentity is not an object", name, i)
				}
				for _, key := range []string{"readOnly", "managementEvent"} {
					if _, ok := r[key].(bool); !ok {
						t.Errorf("%s[%d]: %s is not a boolean", name, i, key)
					}
				}
				for _, key := range []string{"requestParameters", "responseElements"} {
					switch r[key].(type) {
					case nil, map[string]any:
					default:
						t.Errorf("%s[%d]: %s is neither an object nor null", name, i, key)
					}
				}
			}
			if c := r["eventCategory"]; c != "Management" && c != "Data" && c != "Insight" {
				t.Errorf("%s[%d]: eventCategory %v", name, i, c)
			}
		}
	}
	if events != st.Events {
		t.Errorf("read %d records, Stats says %d", events, st.Events)
	}
}

// kinds classifies a record by content alone, independently of Plan, into
// the kinds of activity the data must contain.
func kinds(r map[string]any) []string {
	var out []string
	ui, _ := r["userIdentity"].(map[string]any)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	name, source, et := str(r, "eventName"), str(r, "eventSource"), str(r, "eventType")
	uType, arn, invokedBy := str(ui, "type"), str(ui, "arn"), str(ui, "invokedBy")
	resp, _ := r["responseElements"].(map[string]any)
	add, _ := r["additionalEventData"].(map[string]any)
	req, _ := json.Marshal(r["requestParameters"])
	reqs := string(req)
	login := name == "ConsoleLogin" && et == "AwsConsoleSignIn"
	success := login && str(resp, "ConsoleLogin") == "Success"

	if uType == "Root" {
		switch {
		case invokedBy != "":
			out = append(out, "root invoked by service")
		case et == "AwsServiceEvent":
			out = append(out, "root service event")
		case success:
			out = append(out, "root console login")
		case !login:
			out = append(out, "root api call")
		}
	}
	if success && str(add, "MFAUsed") == "No" {
		out = append(out, "console login without mfa")
	}
	if login && str(resp, "ConsoleLogin") == "Failure" && str(r, "errorMessage") == "Failed authentication" {
		out = append(out, "failed console login")
	}
	if name == "AssumeRoleWithSAML" && strings.Contains(reqs, "AWSReservedSSO_AdministratorAccess") {
		out = append(out, "admin role login: sso")
	}
	if success && strings.Contains(arn, ":assumed-role/AdminRole/") {
		out = append(out, "admin role login: AdminRole")
	}
	if name == "AssumeRole" && strings.Contains(reqs, "role/OrganizationAccountAccessRole") {
		out = append(out, "admin role login: OrganizationAccountAccessRole")
	}
	if source == "cloudtrail.amazonaws.com" {
		switch name {
		case "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors":
			out = append(out, "cloudtrail "+name)
		}
	}
	if source == "iam.amazonaws.com" {
		switch name {
		case "CreateUser", "AttachUserPolicy", "CreateAccessKey", "PutRolePolicy", "CreateLoginProfile":
			out = append(out, "iam "+name)
		}
	}
	if name == "AuthorizeSecurityGroupIngress" && (strings.Contains(reqs, `"0.0.0.0/0"`) || strings.Contains(reqs, `"::/0"`)) && strings.Contains(reqs, `"fromPort":22`) {
		out = append(out, "security group open to the world on 22")
	}
	if source == "s3.amazonaws.com" {
		switch name {
		case "PutBucketPolicy", "PutBucketAcl", "PutBucketPublicAccessBlock", "DeleteBucketPolicy":
			out = append(out, "s3 "+name)
		}
	}
	if source == "kms.amazonaws.com" && (name == "ScheduleKeyDeletion" || name == "DisableKey") {
		out = append(out, "kms "+name)
	}
	if name == "GetPasswordData" {
		out = append(out, "GetPasswordData")
	}
	if et == "AwsCloudTrailInsight" || et == "AwsVpceEvent" || et == "AwsServiceEvent" && uType == "AWSService" && invokedBy != "" {
		out = append(out, et)
	}
	if code := str(r, "errorCode"); code == "AccessDenied" || code == "Client.UnauthorizedOperation" {
		out = append(out, code)
	}
	if len(reqs) > 40_000 {
		out = append(out, "large requestParameters")
	}
	if strings.Contains(reqs, "데이터") {
		out = append(out, "unicode")
	}
	if str(r, "eventCategory") == "Data" {
		out = append(out, "data event")
	}
	if strings.Contains(str(r, "sourceIPAddress"), ":") {
		out = append(out, "ipv6 caller")
	}
	if uType == "AssumedRole" && et == "AwsApiCall" && r["readOnly"] == true {
		out = append(out, "read by role")
	}
	return out
}

func TestEventMix(t *testing.T) {
	o := moderate(t.TempDir())
	_, files := generate(t, o)
	seen := make(map[string]int)
	for name, data := range files {
		if _, ok := parseLogKey(name); !ok {
			continue
		}
		for _, r := range records(t, name, data) {
			for _, k := range kinds(r) {
				seen[k]++
			}
		}
	}
	for _, want := range []string{
		"root console login", "root api call", "root invoked by service", "root service event",
		"console login without mfa", "failed console login",
		"admin role login: sso", "admin role login: AdminRole", "admin role login: OrganizationAccountAccessRole",
		"cloudtrail StopLogging", "cloudtrail DeleteTrail", "cloudtrail UpdateTrail", "cloudtrail PutEventSelectors",
		"iam CreateUser", "iam AttachUserPolicy", "iam CreateAccessKey", "iam PutRolePolicy", "iam CreateLoginProfile",
		"security group open to the world on 22",
		"s3 PutBucketPolicy", "s3 PutBucketAcl", "s3 PutBucketPublicAccessBlock", "s3 DeleteBucketPolicy",
		"kms ScheduleKeyDeletion", "kms DisableKey", "GetPasswordData",
		"AwsCloudTrailInsight", "AwsVpceEvent", "AwsServiceEvent",
		"AccessDenied", "Client.UnauthorizedOperation",
		"large requestParameters", "unicode", "data event", "ipv6 caller", "read by role",
	} {
		if seen[want] == 0 {
			t.Errorf("no %s in a %dx%dx%dx%d run", want, o.Accounts, len(o.Regions), o.Days, o.EventsPerDay)
		}
	}
	t.Logf("%v", seen)
}

// TestPlan checks that every planned record is in the output as planned,
// and that the baseline's RootLogin30Days predicate (Root, no invokedBy,
// not an AwsServiceEvent) matches exactly the planned root activity.
func TestPlan(t *testing.T) {
	o := moderate(t.TempDir())
	plan, err := Plan(o)
	if err != nil {
		t.Fatal(err)
	}
	_, files := generate(t, o)
	type key struct{ account, region, time, source, name, ip, code string }
	found := make(map[key]int)
	rootQuery := 0
	for name, data := range files {
		k, ok := parseLogKey(name)
		if !ok {
			continue
		}
		for _, r := range records(t, name, data) {
			s := func(k string) string { v, _ := r[k].(string); return v }
			found[key{k.account, k.region, s("eventTime"), s("eventSource"), s("eventName"), s("sourceIPAddress"), s("errorCode")}]++
			ui, _ := r["userIdentity"].(map[string]any)
			if ui != nil && ui["type"] == "Root" && ui["invokedBy"] == nil && r["eventType"] != "AwsServiceEvent" {
				rootQuery++
			}
		}
	}
	wantRoot := 0
	kindsSeen := make(map[Kind]bool)
	for _, in := range plan {
		kindsSeen[in.Kind] = true
		k := key{in.Account, in.Region, in.Time.Format(time.RFC3339), in.EventSource, in.EventName, in.SourceIP, in.ErrorCode}
		if found[k] == 0 {
			t.Errorf("planned %+v not found in the output", in)
		}
		if strings.HasSuffix(in.Actor, ":root") && in.Kind != KindRootServiceEvent && in.Kind != KindRootInvokedByService {
			wantRoot++
		}
	}
	if rootQuery != wantRoot {
		t.Errorf("RootLogin30Days predicate matches %d records, plan has %d root activities", rootQuery, wantRoot)
	}
	for _, k := range []Kind{KindRootConsoleLogin, KindRootServiceEvent, KindRootAPICall, KindRootInvokedByService,
		KindConsoleLoginNoMFA, KindConsoleLoginFailed, KindAdminRoleLogin, KindCloudTrailTampering, KindIAMChange,
		KindSecurityGroupOpen, KindS3PolicyChange, KindKMSKeyDisable, KindGetPasswordData, KindRecon,
		KindAccessDenied, KindInsight, KindVPCEndpoint, KindLargeRequest, KindUnicode} {
		if !kindsSeen[k] {
			t.Errorf("plan has no %s", k)
		}
	}
	if !slices.IsSortedFunc(plan, func(a, b Incident) int { return a.Time.Compare(b.Time) }) {
		t.Error("plan is not sorted by time")
	}
	attack := 0
	for _, in := range plan {
		if in.Attack {
			attack++
		}
	}
	if attack == 0 {
		t.Error("plan has no attack story")
	}
}

func TestDigests(t *testing.T) {
	o := moderate(t.TempDir())
	o.OrgID = "o-a1b2c3d4e5"
	_, files := generate(t, o)
	type unit struct{ account, region, date string }
	logs := make(map[unit]map[string][]byte) // log key -> uncompressed bytes
	for name, data := range files {
		if k, ok := parseLogKey(name); ok {
			u := unit{k.account, k.region, k.date}
			if logs[u] == nil {
				logs[u] = make(map[string][]byte)
			}
			logs[u][name] = gunzip(t, name, data)
		}
	}
	type digest struct {
		AWSAccountID            string  `json:"awsAccountId"`
		DigestStartTime         string  `json:"digestStartTime"`
		DigestEndTime           string  `json:"digestEndTime"`
		DigestS3Bucket          string  `json:"digestS3Bucket"`
		DigestS3Object          string  `json:"digestS3Object"`
		NewestEventTime         *string `json:"newestEventTime"`
		OldestEventTime         *string `json:"oldestEventTime"`
		PreviousDigestS3Bucket  *string `json:"previousDigestS3Bucket"`
		PreviousDigestS3Object  *string `json:"previousDigestS3Object"`
		PreviousDigestSignature *string `json:"previousDigestSignature"`
		LogFiles                []struct {
			S3Bucket        string `json:"s3Bucket"`
			S3Object        string `json:"s3Object"`
			HashValue       string `json:"hashValue"`
			HashAlgorithm   string `json:"hashAlgorithm"`
			NewestEventTime string `json:"newestEventTime"`
			OldestEventTime string `json:"oldestEventTime"`
		} `json:"logFiles"`
	}
	n := 0
	for name, data := range files {
		m := digestRE.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		n++
		var d digest
		if err := json.Unmarshal(gunzip(t, name, data), &d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		u := unit{m[2], m[3], m[4] + "-" + m[5] + "-" + m[6]}
		if d.AWSAccountID != u.account || d.DigestS3Object != name || d.DigestS3Bucket == "" {
			t.Errorf("%s: account %s, object %s, bucket %q", name, d.AWSAccountID, d.DigestS3Object, d.DigestS3Bucket)
		}
		if !strings.HasPrefix(d.DigestEndTime, u.date+"T") || d.DigestStartTime >= d.DigestEndTime {
			t.Errorf("%s: period %s to %s", name, d.DigestStartTime, d.DigestEndTime)
		}
		first := u.date == testStart.Format(time.DateOnly)
		if first != (d.PreviousDigestS3Object == nil) || first != (d.PreviousDigestSignature == nil) {
			t.Errorf("%s: previous digest set on the first day, or missing later", name)
		}
		if d.PreviousDigestS3Object != nil {
			if _, ok := files[*d.PreviousDigestS3Object]; !ok {
				t.Errorf("%s: previous digest %s does not exist", name, *d.PreviousDigestS3Object)
			}
		}
		want := logs[u]
		var got []string
		for _, l := range d.LogFiles {
			got = append(got, l.S3Object)
			raw, ok := want[l.S3Object]
			if !ok {
				t.Errorf("%s lists %s, not a log file of its unit", name, l.S3Object)
				continue
			}
			sum := sha256.Sum256(raw)
			if l.HashAlgorithm != "SHA-256" || l.HashValue != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: hash of %s is %s, want %x", name, l.S3Object, l.HashValue, sum)
			}
			if l.OldestEventTime > l.NewestEventTime || d.NewestEventTime == nil || l.NewestEventTime > *d.NewestEventTime {
				t.Errorf("%s: event times of %s are inconsistent", name, l.S3Object)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s lists %d log files, its unit has %d", name, len(got), len(want))
		}
	}
	if want := o.Accounts * len(o.Regions) * o.Days; n != want {
		t.Errorf("%d digests, want %d", n, want)
	}
}

func TestStatsAndNoDigests(t *testing.T) {
	o := moderate(t.TempDir())
	o.Digests, o.Compress = false, false
	st, files := generate(t, o)
	var size int64
	for name, data := range files {
		if _, ok := parseLogKey(name); !ok {
			t.Errorf("%s: not a log file", name)
		}
		size += int64(len(data))
	}
	if st.DigestFiles != 0 || st.Files != len(files) || st.Bytes != size || st.RawBytes != size {
		t.Errorf("stats %+v for %d files of %d bytes", st, len(files), size)
	}
	// Routine events are EventsPerDay ±10% per unit, plus planned ones.
	units := o.Accounts * len(o.Regions) * o.Days
	if lo, hi := units*o.EventsPerDay*9/10, units*o.EventsPerDay*11/10+200; st.Events < lo || st.Events > hi {
		t.Errorf("%d events, want %d to %d", st.Events, lo, hi)
	}
}

func TestValidate(t *testing.T) {
	good := moderate("out")
	for _, tc := range []struct {
		name   string
		modify func(*Options)
		want   string // substring of the error, "" for valid
	}{
		{"valid", func(*Options) {}, ""},
		{"default events per file", func(o *Options) { o.EventsPerFile = 0 }, ""},
		{"no events", func(o *Options) { o.EventsPerDay = 0 }, ""},
		{"no dir", func(o *Options) { o.Dir = "" }, "dir"},
		{"no accounts", func(o *Options) { o.Accounts = 0 }, "accounts"},
		{"no regions", func(o *Options) { o.Regions = nil }, "regions"},
		{"bad region", func(o *Options) { o.Regions = []string{"../etc"} }, "region"},
		{"duplicate region", func(o *Options) { o.Regions = []string{"us-east-1", "us-east-1"} }, "twice"},
		{"no start", func(o *Options) { o.Start = time.Time{} }, "start"},
		{"no days", func(o *Options) { o.Days = 0 }, "days"},
		{"negative events", func(o *Options) { o.EventsPerDay = -1 }, "events per day"},
		{"bad org", func(o *Options) { o.OrgID = "org-1" }, "org id"},
		{"benign", func(o *Options) { o.Scenarios = ScenariosBenign }, ""},
		{"labelled too short", func(o *Options) { o.Scenarios = ScenariosLabelled }, "at least 9"},
		{"unknown scenarios", func(o *Options) { o.Scenarios = "attacks" }, "scenarios"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.modify(&o)
			err := o.Validate()
			if tc.want == "" {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want an error about %s", err, tc.want)
			}
			o.Dir = t.TempDir()
			if tc.name == "no dir" {
				o.Dir = ""
			}
			if _, err := Generate(t.Context(), o); err == nil {
				t.Error("Generate accepted invalid options")
			}
		})
	}
}

func TestAccounts(t *testing.T) {
	a := Accounts(3, 50)
	if diff := cmp.Diff(a, Accounts(3, 50)); diff != "" {
		t.Errorf("Accounts is not deterministic:\n%s", diff)
	}
	if diff := cmp.Diff(a[:10], Accounts(3, 10)); diff != "" {
		t.Errorf("Accounts(n) is not a prefix of Accounts(m > n):\n%s", diff)
	}
	seen := make(map[string]bool)
	for _, id := range a {
		if !regexp.MustCompile(`^\d{12}$`).MatchString(id) || seen[id] {
			t.Errorf("bad or duplicate id %q", id)
		}
		seen[id] = true
	}
	if Accounts(3, 0) != nil || slices.Equal(Accounts(3, 5), Accounts(4, 5)) {
		t.Error("Accounts ignores n or seed")
	}
}

func TestGenerateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Generate(ctx, moderate(t.TempDir()))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Generate = %v, want context.Canceled", err)
	}
}

func TestGenerateUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(t.Context(), moderate(file)); err == nil {
		t.Error("Generate wrote under a regular file")
	}
}

func TestAppendStr(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "new\nline\ttab\r", "\x00\x1f", "데이터", "long string with no escapes at all, to use the fast path", `{"a":"b"}` + "\x01"} {
		var got string
		if err := json.Unmarshal(appendStr(nil, s), &got); err != nil || got != s {
			t.Errorf("appendStr(%q) = %s: %v", s, appendStr(nil, s), err)
		}
	}
}

func FuzzAppendStr(f *testing.F) {
	f.Add("데이터 \"quoted\" \\ \n\x00")
	f.Add("arn:aws:iam::123456789012:root")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the generator only writes valid UTF-8
		}
		b := appendStr(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendStr(%q) = %s: %v", s, b, err)
		}
		if got != s {
			t.Fatalf("round trip of %q gave %q", s, got)
		}
	})
}
