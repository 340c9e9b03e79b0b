// Package collecttest runs collectors against moto in tests.
package collecttest

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// Account is moto's default account id.
const Account = "123456789012"

// Now is the capture time collections in tests use.
var Now = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// Env is a moto server of the test's own with an SDK configuration
// pointing at it (through a fault proxy, for throttling, latency and
// injected errors).
type Env struct {
	Endpoint string // moto, direct
	Proxy    *awsfake.FaultProxy
	Options  awsapi.Options // points at the proxy
	Config   aws.Config     // static test credentials, us-east-1
}

// New starts a moto_server for t (fails t when moto_server is missing).
func New(t testing.TB) *Env {
	t.Helper()
	endpoint := awsfake.StartMoto(t)
	p := awsfake.NewFaultProxy(t, endpoint)
	o := awsapi.Options{Region: "us-east-1", EndpointURL: p.URL, MaxAttempts: 4}
	cfg, err := awsapi.Config(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	return &Env{Endpoint: endpoint, Proxy: p, Options: o, Config: cfg}
}

// Collect runs the named collectors (all when none) over regions.
func (e *Env) Collect(t testing.TB, regions []string, collectors ...string) *inventory.Snapshot {
	t.Helper()
	return e.CollectWith(t, inventory.Options{Regions: regions, Collectors: collectors})
}

// CollectWith runs a collection with o, filling in the environment's AWS
// configuration, account and capture time.
func (e *Env) CollectWith(t testing.TB, o inventory.Options) *inventory.Snapshot {
	t.Helper()
	o.AWS = e.Config
	o.Endpoint = e.Options
	if o.Account == "" {
		o.Account = Account
	}
	if o.Now.IsZero() {
		o.Now = Now
	}
	snap, err := inventory.Collect(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// Of returns the snapshot's items of resourceType.
func Of(s *inventory.Snapshot, resourceType string) []*inventory.Item {
	var out []*inventory.Item
	for _, it := range s.Items {
		if it.ResourceType == resourceType {
			out = append(out, it)
		}
	}
	return out
}

// Gaps returns the snapshot's gap items.
func Gaps(s *inventory.Snapshot) []*inventory.Item { return Of(s, inventory.GapType) }
