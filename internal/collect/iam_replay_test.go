package collect_test

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// TestIAMRecordReplay records a collection of the IAM collectors against
// moto and replays it: the items must be the same.
func TestIAMRecordReplay(t *testing.T) {
	t.Parallel()
	env := collecttest.New(t)
	c := iam.NewFromConfig(env.Config)
	ctx := t.Context()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ivan")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("ivan"), Password: aws.String("Correct-Horse-Battery-9")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ivan")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("ivan"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("spare")}); err != nil {
		t.Fatal(err)
	}
	collectors := []string{"iam", "iam-credential-report", "iam-account-summary", "iam-server-certificates", "iam-identity-providers"}
	dir := t.TempDir()
	live := env.CollectWith(t, inventory.Options{Regions: []string{"us-east-1"}, Collectors: collectors, Record: dir})
	replay := env.CollectWith(t, inventory.Options{Regions: []string{"us-east-1"}, Collectors: collectors, Replay: dir})
	if len(live.Items) != len(replay.Items) {
		t.Fatalf("live %d items, replay %d", len(live.Items), len(replay.Items))
	}
	for i, l := range live.Items {
		r := replay.Items[i]
		if l.ResourceType != r.ResourceType || l.ResourceID != r.ResourceID || len(l.Errors) != len(r.Errors) {
			t.Errorf("item %d: live %s %s %v, replay %s %s %v", i, l.ResourceType, l.ResourceID, l.Errors, r.ResourceType, r.ResourceID, r.Errors)
			continue
		}
		if !bytes.Equal(l.Configuration, r.Configuration) {
			t.Errorf("%s %s configuration\n  live %s\nreplay %s", l.ResourceType, l.ResourceID, l.Configuration, r.Configuration)
		}
		for k, v := range l.SupplementaryConfiguration {
			if !bytes.Equal(v, r.SupplementaryConfiguration[k]) {
				t.Errorf("%s %s %s\n  live %s\nreplay %s", l.ResourceType, l.ResourceID, k, v, r.SupplementaryConfiguration[k])
			}
		}
	}
	if len(collecttest.Gaps(replay)) != 0 {
		t.Errorf("replay gaps %+v", collecttest.Gaps(replay))
	}
}
