package compliance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMutelist(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "vigil.yaml")
	os.WriteFile(file, []byte(`
mutelist:
  - accounts: ["111122223333"]
    checks: ["s3_bucket_*"]
    resources: ["arn:aws:s3:::public-website-*"]
    reason: public website buckets, reviewed
  - tags: {vigil-mute: "yes"}
  - regions: ["ap-*"]
    checks: ["ec2_ebs_default_encryption"]
`), 0o644)
	m, err := LoadMutelist(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		r      Result
		muted  bool
		reason string
	}{
		{Result{Account: "111122223333", Region: "global", CheckID: "s3_bucket_public_read_prohibited", ResourceID: "public-website-a", ResourceARN: "arn:aws:s3:::public-website-a"}, true, "reviewed"},
		{Result{Account: "444455556666", Region: "global", CheckID: "s3_bucket_public_read_prohibited", ResourceARN: "arn:aws:s3:::public-website-a"}, false, ""},
		{Result{Account: "111122223333", CheckID: "s3_bucket_public_read_prohibited", ResourceARN: "arn:aws:s3:::payroll"}, false, ""},
		{Result{Account: "111122223333", CheckID: "iam_user_mfa_enabled", Tags: map[string]string{"vigil-mute": "yes"}}, true, "mutelist rule 2"},
		{Result{Account: "111122223333", CheckID: "iam_user_mfa_enabled", Tags: map[string]string{"vigil-mute": "no"}}, false, ""},
		{Result{Account: "1", Region: "ap-southeast-2", CheckID: "ec2_ebs_default_encryption"}, true, "rule 3"},
		{Result{Account: "1", Region: "eu-west-1", CheckID: "ec2_ebs_default_encryption"}, false, ""},
	} {
		muted, why := m.Match(tc.r)
		if muted != tc.muted || !strings.Contains(why, tc.reason) {
			t.Errorf("%+v: muted %v %q, want %v %q", tc.r, muted, why, tc.muted, tc.reason)
		}
	}
	os.WriteFile(file, []byte("mutelist:\n  - reason: everything\n"), 0o644)
	if _, err := LoadMutelist(file); err == nil || !strings.Contains(err.Error(), "matches everything") {
		t.Errorf("catch-all rule: %v", err)
	}
	os.WriteFile(file, []byte("mutelist:\n  - checks: ['[']\n"), 0o644)
	if _, err := LoadMutelist(file); err == nil {
		t.Error("bad pattern accepted")
	}
}

func TestMatrixAndNewlyFailing(t *testing.T) {
	prev := []Result{
		{Account: "a", Region: "r", CheckID: "c1", ResourceID: "x", Status: Fail},
		{Account: "a", Region: "r", CheckID: "c2", ResourceID: "y", Status: Pass},
	}
	cur := []Result{
		{Account: "a", Region: "r", CheckID: "c1", ResourceID: "x", Status: Fail, Severity: High},
		{Account: "a", Region: "r", CheckID: "c2", ResourceID: "y", Status: Fail, Severity: Low},
		{Account: "a", Region: "r", CheckID: "c3", ResourceID: "z", Status: Pass},
		{Account: "a", Region: "r", CheckID: "c4", ResourceID: "w", Status: Fail, Muted: true},
		{Account: "b", Region: "r", CheckID: "c1", ResourceID: "x", Status: Fail},
	}
	newly := NewlyFailing(prev, cur)
	if len(newly) != 1 || newly[0].CheckID != "c2" {
		t.Errorf("newly failing %+v (account b was not evaluated before: nothing new there)", newly)
	}
	m := Matrix(cur)
	if m[0].Account != "a" || m[0].Region != "*" || m[0].Counts[Fail] != 2 || m[0].Muted != 1 || int(m[0].Score()) != 33 {
		t.Errorf("matrix %+v score %v", m[0], m[0].Score())
	}
	f := FailingChecks(cur)
	if len(f) != 2 || f[0].CheckID != "c1" || f[0].Resources != 2 || len(f[0].Accounts) != 2 {
		t.Errorf("failing %+v", f)
	}
}
