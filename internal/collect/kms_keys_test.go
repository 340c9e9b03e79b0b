package collect_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestKMSCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)
	ctx := t.Context()
	c := kms.NewFromConfig(env.Config)
	create := func(spec kmstypes.KeySpec, usage kmstypes.KeyUsageType) string {
		out, err := c.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: spec, KeyUsage: usage, Description: aws.String(string(spec))})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.KeyMetadata.KeyId)
	}
	rotating := create(kmstypes.KeySpecSymmetricDefault, kmstypes.KeyUsageTypeEncryptDecrypt)
	if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(rotating)}); err != nil {
		t.Fatal(err)
	}
	static := create(kmstypes.KeySpecSymmetricDefault, kmstypes.KeyUsageTypeEncryptDecrypt)
	rsa := create(kmstypes.KeySpecRsa2048, kmstypes.KeyUsageTypeSignVerify)
	deleted := create(kmstypes.KeySpecSymmetricDefault, kmstypes.KeyUsageTypeEncryptDecrypt)
	if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(deleted), PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}

	snap := env.Collect(t, []string{"us-east-1"}, "kms")
	assertCallsDeclared(t, snap, "kms")
	items := collecttest.Of(snap, collect.TypeKMSKey)
	if len(items) != 4 {
		t.Fatalf("%d keys, want 4", len(items))
	}
	byID := map[string]*inventory.Item{}
	for _, it := range items {
		byID[it.ResourceID] = it
		if len(it.Errors) > 0 {
			t.Errorf("%s: errors %v", it.ResourceID, itemErrors(it))
		}
		if inventory.PolicyDoc(inventory.Get(it.Supp(), "Policy")) == nil {
			t.Errorf("%s: no key policy in %s", it.ResourceID, it.SupplementaryConfiguration)
		}
	}
	for _, tc := range []struct {
		id, state, spec string
		rotation        string // "" when not asked
	}{
		{rotating, "Enabled", "SYMMETRIC_DEFAULT", "true"},
		{static, "Enabled", "SYMMETRIC_DEFAULT", "false"},
		{rsa, "Enabled", "RSA_2048", ""},
		{deleted, "PendingDeletion", "SYMMETRIC_DEFAULT", ""},
	} {
		it := byID[tc.id]
		if it == nil {
			t.Fatalf("key %s missing", tc.id)
		}
		c := it.Conf()
		if inventory.Str(c, "keyState") != tc.state || inventory.Str(c, "keySpec") != tc.spec || inventory.Str(c, "keyManager") != "CUSTOMER" || it.ARN == "" {
			t.Errorf("%s: %s", tc.id, it.Configuration)
		}
		if got := string(it.SupplementaryConfiguration["KeyRotationStatus"]); got != tc.rotation {
			t.Errorf("%s (%s): rotation %q, want %q", tc.id, tc.spec, got, tc.rotation)
		}
	}
	if snap.Calls["kms:GetKeyRotationStatus"] != 2 || snap.Calls["kms:DescribeKey"] != 4 {
		t.Errorf("calls %v", snap.Calls)
	}

	// A denied per-key call is recorded on the keys it concerns.
	env.Proxy.Fail("GetKeyRotationStatus", "AccessDeniedException", http.StatusBadRequest, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "kms")
	denied := 0
	for _, it := range collecttest.Of(snap, collect.TypeKMSKey) {
		if len(it.Errors) == 1 && it.Errors[0].Permission == "kms:GetKeyRotationStatus" && it.Errors[0].Resource == it.ResourceID {
			denied++
		}
	}
	if denied != 2 {
		t.Errorf("%d keys with the denied rotation status, want 2", denied)
	}

	env.Proxy.Fail("ListKeys", "AccessDeniedException", http.StatusBadRequest, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "kms")
	if gaps := collecttest.Gaps(snap); len(gaps) != 1 || gaps[0].Errors[0].Permission != "kms:ListKeys" {
		t.Fatalf("denied listing: gaps %+v", gaps)
	}
}
