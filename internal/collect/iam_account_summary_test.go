package collect_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestAccountSummary(t *testing.T) {
	t.Parallel()
	env := collecttest.New(t)
	c := iam.NewFromConfig(env.Config)
	// 105 devices: moto pages ListVirtualMFADevices by 100.
	const devices = 105
	for i := range devices {
		if _, err := c.CreateVirtualMFADevice(t.Context(), &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(fmt.Sprintf("dev-%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("frank")}); err != nil {
		t.Fatal(err)
	}

	snap := env.Collect(t, []string{"us-east-1"}, "iam-account-summary")
	iamAssertDeclared(t, snap, "iam-account-summary")
	items := collecttest.Of(snap, collect.TypeAccountSummary)
	if len(items) != 1 {
		t.Fatalf("%d summaries, gaps %+v", len(items), collecttest.Gaps(snap))
	}
	sum := items[0]
	if n, ok := inventory.Int(sum.Conf(), "Users"); !ok || n != 1 {
		t.Errorf("Users = %d in %s", n, sum.Configuration)
	}
	if _, ok := inventory.Int(sum.Conf(), "AccountMFAEnabled"); !ok {
		t.Errorf("no AccountMFAEnabled in %s", sum.Configuration)
	}
	devs := inventory.List(sum.Supp(), "VirtualMFADevices")
	if len(devs) != devices || !strings.HasSuffix(inventory.Str(devs[0], "serialNumber"), ":mfa/dev-000") {
		t.Errorf("%d devices, first %v", len(devs), devs[0])
	}
	if calls := env.Proxy.Calls("ListVirtualMFADevices"); calls != 2 {
		t.Errorf("ListVirtualMFADevices called %d times, want 2 pages", calls)
	}
	if strings.Contains(string(sum.SupplementaryConfiguration["VirtualMFADevices"]), "eed") {
		t.Errorf("seed stored: %s", sum.SupplementaryConfiguration["VirtualMFADevices"])
	}

	// The device list denied: the summary stays, with the error.
	env.Proxy.Fail("ListVirtualMFADevices", "AccessDenied", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "iam-account-summary")
	items = collecttest.Of(snap, collect.TypeAccountSummary)
	if len(items) != 1 || len(items[0].Errors) != 1 || items[0].Errors[0].Permission != "iam:ListVirtualMFADevices" {
		t.Fatalf("items %+v", items)
	}
	if _, ok := items[0].SupplementaryConfiguration["VirtualMFADevices"]; ok {
		t.Error("VirtualMFADevices present despite the denial")
	}

	// The summary denied: a gap.
	env.Proxy.Fail("GetAccountSummary", "AccessDenied", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "iam-account-summary")
	if g := iamGapFor(snap, collect.TypeAccountSummary); g == nil || g.Errors[0].Permission != "iam:GetAccountSummary" || len(collecttest.Of(snap, collect.TypeAccountSummary)) != 0 {
		t.Errorf("gap %+v", g)
	}
}
