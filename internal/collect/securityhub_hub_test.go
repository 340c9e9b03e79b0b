package collect_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestSecurityHubCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)
	if _, err := securityhub.NewFromConfig(env.Config).EnableSecurityHub(t.Context(), &securityhub.EnableSecurityHubInput{}); err != nil {
		t.Fatal(err)
	}
	snap := env.Collect(t, []string{"eu-west-1", "us-east-1"}, "securityhub")
	assertCallsDeclared(t, snap, "securityhub")
	items := collecttest.Of(snap, collect.TypeSecurityHub)
	if len(items) != 2 || len(collecttest.Gaps(snap)) != 0 {
		t.Fatalf("%d hubs, gaps %+v", len(items), collecttest.Gaps(snap))
	}
	for _, it := range items {
		on, ok := inventory.Bool(it.Conf(), "enabled")
		// InvalidAccessException (not subscribed) is an answer: enabled false.
		want := it.Region == "us-east-1"
		if !ok || on != want || it.ResourceID != collecttest.Account {
			t.Errorf("%s: %s", it.Region, it.Configuration)
		}
		if want && (inventory.Str(it.Conf(), "hubArn") == "" || it.ARN == "") {
			t.Errorf("%s: hub ARN missing: %+v", it.Region, it)
		}
	}

	env.Proxy.Fail("GET /accounts", "AccessDeniedException", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "securityhub")
	if gaps := collecttest.Gaps(snap); len(collecttest.Of(snap, collect.TypeSecurityHub)) != 0 || len(gaps) != 1 ||
		gaps[0].Errors[0].Permission != "securityhub:DescribeHub" || !gaps[0].Errors[0].Denied() {
		t.Fatalf("denied: gaps %+v", gaps)
	}
}
