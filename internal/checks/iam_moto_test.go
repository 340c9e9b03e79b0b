package checks

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// TestIAMChecksOnMoto runs the IAM collectors against moto and the IAM
// checks over what they collected: the collectors' shapes and the checks'
// readings must agree.
func TestIAMChecksOnMoto(t *testing.T) {
	env := collecttest.New(t)
	c := iam.NewFromConfig(env.Config)
	ctx := t.Context()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"alice", "bob"} {
		must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}))
		must(c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String(u), Password: aws.String("Correct-Horse-Battery-9")}))
	}
	dev, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	must(c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: dev.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")}))
	must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")}))
	must(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("inline"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)}))
	must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("break-glass"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}))

	// moto stamps the real time on what it creates: capture 100 days later.
	now := time.Now().UTC().Add(100*24*time.Hour + time.Hour)
	snap := env.CollectWith(t, inventory.Options{Regions: []string{"us-east-1"}, Now: now,
		Collectors: []string{"iam", "iam-credential-report", "iam-account-summary"}})
	a := compliance.NewAccount(snap.Account, snap.Items)

	type res struct{ status, resource string }
	for _, tc := range []struct {
		check string
		want  []res
	}{
		{"iam_user_mfa_enabled_console_access", []res{{"PASS", "alice"}, {"FAIL", "bob"}}},
		{"iam_user_mfa_enabled", []res{{"PASS", "alice"}, {"FAIL", "bob"}}},
		{"iam_rotate_access_key_90_days", []res{{"PASS", "alice"}, {"FAIL", "bob"}}},
		{"iam_user_accesskey_unused", []res{{"PASS", "alice"}, {"FAIL", "bob"}}},
		{"iam_user_console_access_unused", []res{{"FAIL", "alice"}, {"FAIL", "bob"}}},
		{"iam_policy_attached_only_to_group_or_roles", []res{{"FAIL", "alice"}, {"PASS", "bob"}}},
		{"iam_customer_unattached_policy_no_administrative_privileges", []res{{"FAIL", "break-glass"}}},
		// moto's report has no root row: the account summary answers.
		{"iam_root_mfa_enabled", []res{{"FAIL", collecttest.Account}}},
		{"iam_no_root_access_key", []res{{"PASS", collecttest.Account}}},
		{"iam_root_hardware_mfa_enabled", []res{{"FAIL", collecttest.Account}}},
		{"iam_avoid_root_usage", []res{{"ERROR", ""}}},
	} {
		t.Run(tc.check, func(t *testing.T) {
			got, err := compliance.Evaluate(a, compliance.Options{Checks: []string{tc.check}, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]string{}
			for _, it := range snap.Items {
				if it.ResourceType == collect.TypeIAMUser || it.ResourceType == collect.TypeIAMPolicy {
					names[it.ResourceID] = it.ResourceName
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d results, want %d:\n%s", len(got), len(tc.want), dump(got))
			}
			// Results are sorted by resource id; compare as a set by name.
			seen := map[res]bool{}
			for _, r := range got {
				name := names[r.ResourceID]
				if name == "" {
					name = r.ResourceID
				}
				if r.Status == compliance.Error {
					name = ""
				}
				seen[res{string(r.Status), name}] = true
			}
			for _, w := range tc.want {
				if !seen[w] {
					t.Errorf("no %s for %q in\n%s", w.status, w.resource, dump(got))
				}
			}
		})
	}
}
