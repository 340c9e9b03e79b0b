package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/geo/geotest"
	"github.com/vigil-sec/vigil/internal/vigil"
)

const recordingsDir = "../../internal/detect/catalog/testdata/attack-recordings"

// extraRecords are calls of account 111122223333: root activity (one call
// from a trusted address), Tor exit nodes and a listed scanner calling
// APIs, and a red-team user on Kali.
const extraRecords = `{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAROOTEXAMPLE00001"},"eventTime":"2024-08-02T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"requestID":"r1","eventID":"root-1","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAROOTEXAMPLE00001"},"eventTime":"2024-08-03T10:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","errorCode":"AccessDenied","requestParameters":{"userName":"x"},"responseElements":null,"requestID":"r2","eventID":"root-2","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAALICE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAALICE","userName":"alice"},"eventTime":"2024-08-03T11:00:00Z","eventSource":"iam.amazonaws.com","eventName":"ListRoles","awsRegion":"us-east-1","sourceIPAddress":"185.220.101.4","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"requestID":"r3","eventID":"tor-1","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAALICE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAALICE","userName":"alice"},"eventTime":"2024-08-03T11:05:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.66","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"requestID":"r4","eventID":"threat-1","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDARED","arn":"arn:aws:iam::111122223333:user/redteam-1","accountId":"111122223333","accessKeyId":"AKIARED","userName":"redteam-1"},"eventTime":"2024-08-03T12:00:00Z","eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"aws-cli/1.32.0 Python/3.11.8 Linux/6.6.9-kali1-amd64 botocore/1.34.0","requestParameters":null,"responseElements":null,"requestID":"r5","eventID":"kali-1","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDABOB","arn":"arn:aws:iam::111122223333:user/bob","accountId":"111122223333","accessKeyId":"AKIABOB","userName":"bob"},"eventTime":"2024-08-03T12:30:00Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUser","awsRegion":"us-east-1","sourceIPAddress":"185.220.101.4","userAgent":"aws-cli/2.15.0","requestParameters":{"userName":"carol"},"responseElements":null,"requestID":"r6","eventID":"tor-2","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
{"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"ASIAROOTEXAMPLE00001"},"eventTime":"2024-08-03T13:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2.15.0","requestParameters":null,"responseElements":null,"requestID":"r7","eventID":"trusted-1","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
`

// detectFixture builds inputs (the attack recordings and extraRecords),
// lists, a GeoIP database and suppression rules, and an ingested lake.
func detectFixture(t *testing.T) (lk string, flags []string) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.MkdirAll(src, 0o755)
	files, _ := filepath.Glob(filepath.Join(recordingsDir, "*.json"))
	if len(files) != 18 {
		t.Fatalf("%d recordings", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(src, filepath.Base(f)), b, 0o644)
	}
	os.WriteFile(filepath.Join(src, "extra.jsonl"), []byte(extraRecords), 0o644)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	tor := write("tor.txt", "# Tor exit nodes\n185.220.101.4\n185.220.101.5\n")
	threats := write("threats.txt", "203.0.113.64/26  # scanners\n")
	trusted := write("trusted.txt", "10.0.0.0/8\n")
	supp := write("suppress.yaml", "- name: red team\n  types: [\"PenTest:*\"]\n  principals: [\"arn:aws:iam::111122223333:user/redteam-*\"]\n")
	mmdb := filepath.Join(dir, "geo.mmdb")
	geotest.Write(t, mmdb, "GeoLite2-City", geotest.Entry{CIDR: "185.220.101.0/24", Location: geo.Location{CountryCode: "DE", CountryName: "Germany", ASN: 64496, ASNOrg: "Tor Exit Hosting"}})
	lk = filepath.Join(dir, "lake")
	if code, out, stderr := runVigil(t, "ingest", "--lake", lk, "--no-detect", src); code != 0 {
		t.Fatalf("ingest exit %d: %s %s", code, out, stderr)
	}
	return lk, []string{"--tor-list", tor, "--threat-list", threats, "--trusted-list", trusted, "--suppressions", supp, "--geoip", mmdb}
}

func findingsJSON(t *testing.T, args ...string) []vigil.Finding {
	t.Helper()
	code, out, stderr := runVigil(t, append([]string{"findings", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("findings exit %d: %s", code, stderr)
	}
	var fs []vigil.Finding
	if err := json.Unmarshal([]byte(out), &fs); err != nil {
		t.Fatalf("findings json: %v\n%s", err, out)
	}
	return fs
}

func types(fs []vigil.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Type)
	}
	slices.Sort(out)
	return out
}

func TestDetectAndFindings(t *testing.T) {
	lk, flags := detectFixture(t)

	// The first run finds what the recordings and the extra records hold;
	// --fail-on high trips on the new high findings.
	code, out, stderr := runVigil(t, append([]string{"detect", "--lake", lk, "--fail-on", "high"}, flags...)...)
	if code != exitFindings || !strings.Contains(out, "scanned 149 events") || !strings.Contains(out, "1 records from trusted addresses") || !strings.Contains(out, "findings: 26 new, 0 updated, 26 in total") {
		t.Fatalf("detect exit %d:\n%s\n%s", code, out, stderr)
	}
	all := findingsJSON(t, "--lake", lk, "--archived")
	want := []string{
		"CredentialAccess:IAMUser/SecretsRetrievalBurst", "CredentialAccess:IAMUser/SecretsRetrievalBurst", "CredentialAccess:IAMUser/SecretsRetrievalBurst",
		"Execution:EC2/SSMShellCommandSent", "Exfiltration:EC2/SnapshotSharedExternally", "Impact:Bedrock/ModelAccessEnabled",
		"Impact:Bedrock/ModelAccessEnabled", "Impact:EC2/AcceleratedInstancesLaunched", "LateralMovement:EC2/InstanceConnectSSHKey",
		"LateralMovement:EC2/InstanceConnectSSHKey", "LateralMovement:EC2/InstanceConnectSSHKey", "PenTest:IAMUser/KaliLinux",
		"Persistence:IAMUser/AccessKeyForOtherUser", "Persistence:IAMUser/LoginProfileForOtherUser", "Persistence:IAMUser/RoleTrustPolicyExternal",
		"Persistence:Lambda/LayerAttached", "Persistence:RolesAnywhere/TrustAnchorCreated", "Policy:EC2/SecurityGroupAdminPortPublic",
		"Policy:IAMUser/RootCredentialUsage", "PrivilegeEscalation:IAMUser/OtherUserPasswordReset", "Recon:IAMUser/TorIPCaller",
		"Stealth:IAMUser/CloudTrailLoggingDisabled", "Stealth:IAMUser/DNSQueryLoggingDisabled", "Stealth:IAMUser/VPCFlowLogsDeleted",
		"UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", "UnauthorizedAccess:IAMUser/TorIPCaller",
	}
	if diff := cmp.Diff(want, types(all)); diff != "" {
		t.Fatalf("finding types (-want +got):\n%s", diff)
	}
	byType := map[string]vigil.Finding{}
	for _, f := range all {
		byType[f.Type] = f
	}
	if f := byType["Policy:IAMUser/RootCredentialUsage"]; f.Service.Count != 2 || f.Service.EventFirstSeen != "2024-08-02T10:00:00.000Z" {
		t.Errorf("root finding: count %d, first seen %s", f.Service.Count, f.Service.EventFirstSeen)
	}
	if f := byType["PenTest:IAMUser/KaliLinux"]; !f.Service.Archived {
		t.Error("suppressed Kali finding not archived")
	}
	r := byType["UnauthorizedAccess:IAMUser/TorIPCaller"].Service.Action.AWSAPICallAction
	if r == nil || r.RemoteIPDetails.Country == nil || r.RemoteIPDetails.Country.CountryName != "Germany" || r.RemoteIPDetails.Organization.ASN != "64496" {
		t.Errorf("GeoIP details missing: %+v", r)
	}

	// Running again over the same lake changes nothing.
	code, out, _ = runVigil(t, append([]string{"detect", "--lake", lk, "--fail-on", "high"}, flags...)...)
	if code != 0 || !strings.Contains(out, "findings: 0 new, 0 updated, 26 in total") {
		t.Errorf("second run exit %d:\n%s", code, out)
	}
	if diff := cmp.Diff(all, findingsJSON(t, "--lake", lk, "--archived")); diff != "" {
		t.Errorf("second run changed findings (-first +second):\n%s", diff)
	}

	// Filters.
	if got := findingsJSON(t, "--lake", lk); len(got) != 25 {
		t.Errorf("%d active findings, want 25", len(got))
	}
	for _, f := range findingsJSON(t, "--lake", lk, "--min-severity", "high") {
		if f.Severity < 7 {
			t.Errorf("--min-severity high listed %s (%g)", f.Type, float64(f.Severity))
		}
	}
	if got := types(findingsJSON(t, "--lake", lk, "--type", "Persistence:*", "--type", "Stealth:IAMUser/CloudTrailLoggingDisabled")); len(got) != 6 {
		t.Errorf("--type: %v", got)
	}
	if got := types(findingsJSON(t, "--lake", lk, "--account", "111122223333", "--min-severity", "5")); !slices.Equal(got, []string{"Recon:IAMUser/TorIPCaller", "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", "UnauthorizedAccess:IAMUser/TorIPCaller"}) {
		t.Errorf("--account: %v", got)
	}
	code, out, _ = runVigil(t, "findings", "--lake", lk)
	if code != 0 || !strings.Contains(out, "High 8") || !strings.Contains(out, "snapshot/snap-041993b54a9b3af6f") || !strings.Contains(out, "(25 rows)") {
		t.Errorf("table exit %d:\n%s", code, out)
	}

	// ASFF.
	code, out, _ = runVigil(t, "findings", "--lake", lk, "--format", "asff", "--min-severity", "high")
	var asff []detect.ASFFFinding
	if err := json.Unmarshal([]byte(out), &asff); err != nil || code != 0 || len(asff) != 3 {
		t.Fatalf("asff exit %d, %v:\n%s", code, err, out)
	}
	a := asff[0]
	if a.SchemaVersion != "2018-10-08" || a.Severity.Label != "HIGH" || a.Severity.Normalized != 80 ||
		!strings.HasPrefix(a.ProductArn, "arn:aws:securityhub:") || !strings.HasSuffix(a.ProductArn, ":product/"+a.AwsAccountID+"/default") ||
		len(a.Types) != 1 || !strings.Contains(a.Types[0], "/") || len(a.Resources) == 0 || a.ProductFields["vigil/namespace"] != "Vigil" ||
		a.CreatedAt == "" || a.GeneratorID == "" || a.RecordState != "ACTIVE" {
		t.Errorf("asff finding: %+v", a)
	}

	// Evidence: the finding's query returns exactly its events.
	f := byType["Policy:IAMUser/RootCredentialUsage"]
	code, out, _ = runVigil(t, "query", "--lake", lk, "--format", "csv", "select eventid from ("+f.Evidence.SQL+")")
	if code != 0 || out != "eventid\nroot-1\nroot-2\n" {
		t.Errorf("evidence query exit %d: %q", code, out)
	}
	code, out, _ = runVigil(t, "query", "--lake", lk, "--format", "csv", "select count(*) n, sum(count) c from auditing.findings where not archived")
	if code != 0 || out != "n,c\n25,64\n" {
		t.Errorf("auditing.findings: %q", out)
	}
}

func TestDetectDateRange(t *testing.T) {
	lk, _ := detectFixture(t)
	code, out, stderr := runVigil(t, "detect", "--lake", lk, "--since", "2024-08-03", "--until", "2024-08-03", "--json")
	var s struct {
		Stats      detect.Stats    `json:"stats"`
		Changed    []vigil.Finding `json:"changed"`
		Duration   int64           `json:"duration_ns"`
		CloudTrail int64           `json:"cloudtrail_duration_ns"`
		Flow       int64           `json:"flowlogs_duration_ns"`
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s %s", code, err, out, stderr)
	}
	if s.CloudTrail <= 0 || s.Flow <= 0 || s.Duration < s.CloudTrail+s.Flow {
		t.Errorf("durations: %d in all, cloudtrail %d, flow logs %d", s.Duration, s.CloudTrail, s.Flow)
	}
	// Without lists: the root user's calls of that day, and Kali (no suppression rules).
	if s.Stats.Events != 6 || !slices.Equal(types(s.Changed), []string{"PenTest:IAMUser/KaliLinux", "Policy:IAMUser/RootCredentialUsage"}) {
		t.Errorf("stats %+v, changed %v", s.Stats, types(s.Changed))
	}
	// Widening the range adds to the same root finding.
	code, out, _ = runVigil(t, "detect", "--lake", lk, "--since", "2024-08-02")
	if code != 0 || !strings.Contains(out, "1 updated") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if f := findingsJSON(t, "--lake", lk, "--type", "Policy:*"); len(f) != 1 || f[0].Service.Count != 3 || f[0].Service.EventFirstSeen != "2024-08-02T10:00:00.000Z" {
		t.Errorf("root finding after widening: %+v", f)
	}
}

func TestDetectUsageErrors(t *testing.T) {
	lk := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("not-an-ip\n"), 0o644)
	badRules := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(badRules, []byte("- name: everything\n"), 0o644)
	unknownKey := filepath.Join(t.TempDir(), "rules2.yaml")
	os.WriteFile(unknownKey, []byte("- name: x\n  type: [a]\n"), 0o644)
	for _, args := range [][]string{
		{"detect"},
		{"detect", "--lake", filepath.Join(lk, "missing")},
		{"detect", "--lake", lk, "--since", "2024-13-01"},
		{"detect", "--lake", lk, "--since", "2024-08-03", "--until", "2024-08-01"},
		{"detect", "--lake", lk, "--tor-list", filepath.Join(lk, "missing.txt")},
		{"detect", "--lake", lk, "--threat-list", bad},
		{"detect", "--lake", lk, "--suppressions", badRules},
		{"detect", "--lake", lk, "--suppressions", unknownKey},
		{"detect", "--lake", lk, "--geoip", bad},
		{"detect", "--lake", lk, "--fail-on", "severe"},
		{"detect", "--lake", lk, "extra"},
		{"findings"},
		{"findings", "--lake", lk, "--format", "xml"},
		{"findings", "--lake", lk, "--min-severity", "11"},
	} {
		if code, _, stderr := runVigil(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d (%s), want %d", args, code, stderr, exitUsage)
		}
	}
	// An empty lake: nothing to scan, no findings, valid empty outputs.
	if code, out, stderr := runVigil(t, "detect", "--lake", lk); code != 0 || !strings.Contains(out, "scanned 0 events") {
		t.Errorf("empty lake: exit %d: %s %s", code, out, stderr)
	}
	if code, out, _ := runVigil(t, "findings", "--lake", lk, "--format", "json"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("no findings: exit %d %q", code, out)
	}
	if code, out, _ := runVigil(t, "findings", "--lake", lk, "--format", "asff"); code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("no findings, asff: exit %d %q", code, out)
	}
}
