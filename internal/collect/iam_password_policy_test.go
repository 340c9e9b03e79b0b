package collect_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestPasswordPolicy(t *testing.T) {
	env := collecttest.New(t)
	regions := []string{"us-east-1"}

	// No policy: NoSuchEntity is the answer, not an error.
	snap := env.Collect(t, regions, "iam-password-policy")
	items := collecttest.Of(snap, collect.TypePasswordPolicy)
	if len(items) != 1 || string(items[0].Configuration) != `{"exists":false}` {
		t.Fatalf("no policy: %d items, first %s", len(items), items[0].Configuration)
	}
	if items[0].Region != inventory.GlobalRegion || items[0].AccountID != collecttest.Account {
		t.Errorf("item region %q account %q", items[0].Region, items[0].AccountID)
	}

	_, err := iam.NewFromConfig(env.Config).UpdateAccountPasswordPolicy(t.Context(), &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(17), PasswordReusePrevention: aws.Int32(24), RequireSymbols: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	snap = env.Collect(t, regions, "iam-password-policy")
	items = collecttest.Of(snap, collect.TypePasswordPolicy)
	if len(items) != 1 {
		t.Fatalf("items %+v", items)
	}
	if n, _ := inventory.Int(items[0].Conf(), "minimumPasswordLength"); n != 17 {
		t.Errorf("minimumPasswordLength = %d in %s", n, items[0].Configuration)
	}
	if snap.Calls["iam:GetAccountPasswordPolicy"] != 1 {
		t.Errorf("calls %v", snap.Calls)
	}

	// Denied: a gap naming the permission, no item.
	env.Proxy.Fail("GetAccountPasswordPolicy", "AccessDenied", http.StatusForbidden, -1)
	snap = env.Collect(t, regions, "iam-password-policy")
	if items := collecttest.Of(snap, collect.TypePasswordPolicy); len(items) != 0 {
		t.Errorf("denied: items %+v", items)
	}
	gaps := collecttest.Gaps(snap)
	if len(gaps) != 1 || gaps[0].Errors[0].Permission != "iam:GetAccountPasswordPolicy" || !gaps[0].Errors[0].Denied() {
		t.Fatalf("gaps %+v", gaps)
	}
}
