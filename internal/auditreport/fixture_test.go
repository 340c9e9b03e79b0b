package auditreport

import (
	"fmt"
	"time"

	"github.com/vigil-sec/vigil/internal/compliance"
)

// Test checks, registered in this test binary only. Results of
// "ec2_unknown_check_id" have no registered check: reports must degrade.
const (
	checkBucket   = "s3_bucket_public_access_blocked"
	checkPassword = "iam_password_policy_minimum_length_14"
	checkTrail    = "cloudtrail_multi_region_enabled"
	checkUnknown  = "ec2_unknown_check_id"
)

func init() {
	noEval := func(*compliance.Account) []compliance.Result { return nil }
	for _, c := range []*compliance.Check{
		{ID: checkBucket, Title: "S3 buckets block public access", Description: "Public access to a bucket exposes its objects.",
			Service: "s3", Severity: compliance.High, ResourceType: "AWS::S3::Bucket",
			Remediation: "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"},
		{ID: checkPassword, Title: "IAM password policy requires 14 characters or more", Description: "Long passwords resist guessing.",
			Service: "iam", Severity: compliance.Medium, ResourceType: "AWS::IAM::PasswordPolicy",
			Remediation: "aws iam update-account-password-policy --minimum-password-length 14"},
		{ID: checkTrail, Title: "A multi-region CloudTrail trail logs every region", Description: "Without it, activity in unused regions goes unseen.",
			Service: "cloudtrail", Severity: compliance.Critical, ResourceType: "AWS::CloudTrail::Trail",
			Remediation: "aws cloudtrail create-trail --name org --s3-bucket-name <bucket> --is-multi-region-trail"},
	} {
		c.Eval = noEval
		compliance.Register(c)
	}
}

const (
	xssName   = `<img src=x onerror=alert(1)>`
	xssScript = `</script><script>alert(2)</script>`
	// fakeSecret is shaped like a secret access key (AWS's documented example).
	fakeSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	fakeKeyID  = "AKIAIOSFODNN7EXAMPLE"
)

var (
	t0  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cis = func(ctl ...string) map[string][]string {
		return map[string][]string{"cis-aws-7.0": ctl, "aws-config": {"rule-" + ctl[0]}}
	}
)

// sampleRun is a small organization: one healthy account, one partial, one
// that could not be entered, and results covering every status, a muted
// failure, an unknown check, hostile resource names and a leaked secret.
func sampleRun() *Run {
	at := t0.Add(4 * time.Minute)
	res := func(acct, region, check, id string, st compliance.Status, reason string) compliance.Result {
		r := compliance.Result{Account: acct, Region: region, CheckID: check, ResourceID: id, Status: st, Reason: reason, EvaluatedAt: at}
		switch check {
		case checkBucket:
			r.ResourceType, r.ResourceARN, r.Severity, r.Frameworks = "AWS::S3::Bucket", "arn:aws:s3:::"+id, compliance.High, cis("2.1.4")
		case checkPassword:
			r.ResourceType, r.Severity, r.Frameworks = "AWS::IAM::PasswordPolicy", compliance.Medium, cis("1.8")
		case checkTrail:
			r.ResourceType, r.Severity, r.Frameworks = "AWS::CloudTrail::Trail", compliance.Critical, cis("3.1")
		}
		return r
	}
	muted := res("111111111111", "us-east-1", checkBucket, "public-website", compliance.Fail, "Bucket public-website allows public reads.")
	muted.Muted, muted.MuteReason = true, "static website, accepted by security team"
	tagged := res("222222222222", "eu-west-1", checkBucket, xssName, compliance.Fail, "Bucket "+xssName+" allows public reads.")
	tagged.Tags = map[string]string{"owner": "=HYPERLINK(\"http://evil.example\",\"x\")", "name": xssScript}
	return &Run{
		ID: "20260301T120000Z-ab12", Started: t0, Finished: t0.Add(5 * time.Minute),
		Tool: "vigil", Version: "0.9.0", Org: "o-abc123defg",
		Frameworks: []string{"aws-config", "cis-aws-7.0"},
		Accounts: []AccountRun{
			{Account: "111111111111", Name: "prod", Status: AccountOK, Regions: []string{"us-east-1", "eu-west-1"}, Calls: 412, Duration: 61 * time.Second},
			{Account: "222222222222", Name: "dev " + xssName, Status: AccountPartial,
				Error:   "1 region skipped",
				Regions: []string{"eu-west-1"}, Skipped: map[string]string{"ap-east-1": "opt-in region not enabled"}, Calls: 97, Duration: 12500 * time.Millisecond},
			{Account: "333333333333", Name: "sandbox", Status: AccountFailed,
				Error: "cannot assume role arn:aws:iam::333333333333:role/AssumableSecurityAuditRole: AccessDenied (credentials " + fakeKeyID + ":" + fakeSecret + ")"},
		},
		Results: []compliance.Result{
			res("222222222222", "eu-west-1", checkBucket, "logs-bucket", compliance.Pass, "Bucket logs-bucket blocks public access."),
			tagged,
			res("111111111111", "global", checkPassword, "111111111111", compliance.Fail, "Password policy requires 8 characters."),
			res("111111111111", "us-east-1", checkBucket, "-1+2", compliance.Error, "cannot read bucket policy: AccessDenied; request signed with "+fakeKeyID+" secret "+fakeSecret+"."),
			muted,
			res("111111111111", "us-east-1", checkBucket, xssScript, compliance.Pass, "Bucket "+xssScript+" blocks public access."),
			res("222222222222", "global", checkPassword, "222222222222", compliance.Pass, "Password policy requires 16 characters."),
			res("111111111111", "global", checkTrail, "111111111111", compliance.Manual, "Trail is in another account; verify it by hand."),
			res("222222222222", "global", checkTrail, "222222222222", compliance.NotApplicable, "Account is managed by the organization trail."),
			{Account: "111111111111", Region: "eu-west-1", CheckID: checkUnknown, ResourceType: "AWS::EC2::Instance", ResourceID: "i-0abc", Status: compliance.Fail,
				Severity: compliance.Low, Reason: "Instance i-0abc uses IMDSv1.", EvaluatedAt: at},
		},
	}
}

// bigRun has n results over 20 accounts and 4 regions, a quarter failing.
func bigRun(n int) *Run {
	r := &Run{ID: "big", Started: t0, Finished: t0.Add(time.Hour), Version: "test"}
	checks := []string{checkBucket, checkPassword, checkTrail, checkUnknown}
	regions := []string{"eu-west-1", "us-east-1", "us-west-2", "ap-south-1"}
	statuses := []compliance.Status{compliance.Fail, compliance.Pass, compliance.Pass, compliance.Pass}
	for a := range 20 {
		r.Accounts = append(r.Accounts, AccountRun{Account: fmt.Sprintf("%012d", 100000000000+a), Name: fmt.Sprintf("account-%02d", a), Status: AccountOK, Regions: regions})
	}
	for i := range n {
		c := checks[i%len(checks)]
		r.Results = append(r.Results, compliance.Result{
			Account: r.Accounts[i%20].Account, Region: regions[(i/20)%4], CheckID: c,
			ResourceID: fmt.Sprintf("resource-%06d", i), Status: statuses[(i/7)%4],
			Reason: fmt.Sprintf("Resource resource-%06d is evaluated by %s.", i, c), EvaluatedAt: t0,
			Frameworks: cis(fmt.Sprint(i % 9)),
		})
	}
	return r
}
