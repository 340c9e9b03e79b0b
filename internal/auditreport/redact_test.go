package auditreport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sessionToken is shaped like an STS session token (base64, hundreds of
// characters); it is not a real one.
var sessionToken = "IQoJb3JpZ2luX2VjEXAMPLE" + strings.Repeat("AbCdEfGh0123456789+/", 12) + "=="

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain reason", "Bucket logs allows public reads.", "Bucket logs allows public reads."},
		{"short", "AccessDenied", "AccessDenied"},
		{"key id keeps prefix and last four", "request signed with " + fakeKeyID + ".", "request signed with AKIA************MPLE."},
		{"temporary key id", "key ASIAY34FZKBOKMUTVV7A expired", "key ASIA************VV7A expired"},
		{"key id and secret pair", fakeKeyID + ":" + fakeSecret, "AKIA************MPLE:" + Redacted},
		{"secret alone", "secret " + fakeSecret + " leaked", "secret " + Redacted + " leaked"},
		{"session token", "token " + sessionToken + " expired", "token " + Redacted + " expired"},
		{"assignment", "aws_secret_access_key=abc123 in config", "aws_secret_access_key=" + Redacted + " in config"},
		{"environment variable", "env AWS_SECRET_ACCESS_KEY=abc123 set", "env AWS_SECRET_ACCESS_KEY=" + Redacted + " set"},
		{"JSON field", `{"SessionToken": "FQoGZXIvYXdzEBEXAMPLE", "Expiration": "x"}`, `{"SessionToken": "` + Redacted + `", "Expiration": "x"}`},
		{"presigned URL", "GET https://b.s3.amazonaws.com/k?X-Amz-Signature=0123abcd&X-Amz-Security-Token=FwoG1234 failed",
			"GET https://b.s3.amazonaws.com/k?X-Amz-Signature=" + Redacted + "&X-Amz-Security-Token=" + Redacted + " failed"},
		{"SHA-1 digest stays", "object etag da39a3ee5e6b4b0d3255bfef95601890afd80709 differs", "object etag da39a3ee5e6b4b0d3255bfef95601890afd80709 differs"},
		{"40 characters without capitals stay", "key abcdefghijklmnopqrstuvwxyz0123456789abcd named", "key abcdefghijklmnopqrstuvwxyz0123456789abcd named"},
		{"long ARN stays", "policy arn:aws:iam::aws:policy/AdministratorAccessAmplifyPolicyVersion2 attached", "policy arn:aws:iam::aws:policy/AdministratorAccessAmplifyPolicyVersion2 attached"},
		{"AWS error text stays", "The security token included in the request is invalid.", "The security token included in the request is invalid."},
		{"ARN stays", "cannot assume role arn:aws:iam::333333333333:role/AssumableSecurityAuditRole: AccessDenied",
			"cannot assume role arn:aws:iam::333333333333:role/AssumableSecurityAuditRole: AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Redact(tc.in); got != tc.want {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestReportsCarryNoSecret writes a run whose reasons and account errors
// quote a key pair, and checks that no file holds the secret nor the whole
// key id, and that the reader sees where something was removed.
func TestReportsCarryNoSecret(t *testing.T) {
	r := sampleRun()
	r.Accounts[1].Skipped["me-south-1"] = "ExpiredToken: session token " + sessionToken
	r.Results[0].MuteReason = "approved with aws_session_token=" + sessionToken
	dir := t.TempDir()
	files, err := Write(dir, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name, _ := filepath.Rel(dir, f)
		for _, secret := range []string{fakeSecret, fakeKeyID, sessionToken[:60]} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s contains %q", name, secret)
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "AKIA************MPLE secret "+Redacted) {
		t.Errorf("results.json does not show the redaction of the reason")
	}
	b, err = os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "AKIA************MPLE:"+Redacted) || !strings.Contains(string(b), "session token "+Redacted) {
		t.Errorf("summary.json does not show the redaction of the account error and skip reason:\n%s", b)
	}
}
