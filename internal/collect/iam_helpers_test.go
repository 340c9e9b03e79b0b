package collect_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// iamFakeEnv is an environment whose AWS endpoint is h (a fake of an API
// moto lacks or cannot page), instead of moto.
func iamFakeEnv(t *testing.T, h http.Handler) *collecttest.Env {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	o := awsapi.Options{Region: "us-east-1", EndpointURL: srv.URL, MaxAttempts: 1}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	return &collecttest.Env{Endpoint: srv.URL, Options: o, Config: cfg}
}

// iamMotoWithManagedPolicies starts a moto that knows AWS managed
// policies (so that tests can attach AdministratorAccess). It sets the
// environment of the moto process, so the calling test cannot be
// parallel.
func iamMotoWithManagedPolicies(t *testing.T) *collecttest.Env {
	t.Helper()
	t.Setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
	return collecttest.New(t)
}

// iamAssertDeclared fails t when the snapshot counted a call the
// collector does not declare in its Permissions.
func iamAssertDeclared(t *testing.T, snap *inventory.Snapshot, collector string) {
	t.Helper()
	var declared []string
	for _, c := range inventory.Collectors() {
		if c.Name == collector {
			declared = c.Permissions
		}
	}
	if declared == nil {
		t.Fatalf("collector %s not registered", collector)
	}
	for action := range snap.Calls {
		if action == "ec2:DescribeRegions" || action == "sts:GetCallerIdentity" {
			continue // made by inventory.Collect itself
		}
		if !slices.Contains(declared, action) {
			t.Errorf("collector %s called %s, not in its Permissions %v", collector, action, declared)
		}
	}
}

// iamItem returns the item of type typ named name, failing t when absent.
func iamItem(t *testing.T, snap *inventory.Snapshot, typ, name string) *inventory.Item {
	t.Helper()
	for _, it := range collecttest.Of(snap, typ) {
		if it.ResourceName == name {
			return it
		}
	}
	t.Fatalf("no %s named %q in the snapshot", typ, name)
	return nil
}

// iamGapFor returns the gap item of typ, or nil.
func iamGapFor(snap *inventory.Snapshot, typ string) *inventory.Item {
	for _, g := range collecttest.Gaps(snap) {
		if g.ResourceName == typ {
			return g
		}
	}
	return nil
}
