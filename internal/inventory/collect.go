package inventory

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/awsapi"
)

// Collector gathers one service's (or resource family's) configuration
// items in one region, or once per account when Global.
type Collector struct {
	// Name identifies the collector (--collectors, logs): "iam", "s3", "ec2".
	Name string
	// Global collectors run once, in the global region, and give their
	// items awsRegion "global" (IAM) or the global region (S3 buckets keep
	// their own region).
	Global bool
	// ResourceTypes are the types the collector emits.
	ResourceTypes []string
	// Permissions are the IAM actions the collector may call; `vigil
	// baseline policy` builds the audit role's policy from them, and a test
	// checks that every call a collector makes is declared.
	Permissions []string
	// Collect returns the items of one region. A failed call should be
	// attached to the affected item (Item.Errors) or returned as a gap
	// (Scope.Gap) rather than as an error; an error aborts this collector in
	// this region only and becomes a gap for all its resource types.
	Collect func(ctx context.Context, s *Scope) ([]*Item, error)
}

var (
	registryMu sync.Mutex
	registry   = map[string]*Collector{}
)

// Register adds a collector; it panics on a duplicate name (a programming
// error caught by any test).
func Register(c *Collector) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[c.Name]; dup {
		panic("inventory: duplicate collector " + c.Name)
	}
	registry[c.Name] = c
}

// Collectors returns the registered collectors sorted by name.
func Collectors() []*Collector {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := slices.Collect(maps.Values(registry))
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Permissions returns every IAM action any collector declares, sorted.
func Permissions() []string {
	set := map[string]bool{"ec2:DescribeRegions": true, "sts:GetCallerIdentity": true}
	for _, c := range Collectors() {
		for _, p := range c.Permissions {
			set[p] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// Scope is what a collector works with: one account, one region.
type Scope struct {
	// Account is the 12-digit account id.
	Account string
	// Region is the region items are attributed to; APIRegion is the
	// region calls go to (they differ only for global collectors, whose
	// Region is "global" while calls go to the global region).
	Region    string
	APIRegion string
	// AWS is the SDK configuration with APIRegion set.
	AWS aws.Config
	// Endpoint are the options clients need (S3 path style with a custom
	// endpoint).
	Endpoint awsapi.Options
	// Now is the capture time of the snapshot.
	Now time.Time
	// Log receives debug lines.
	Log *slog.Logger

	replay  string
	record  *recorder
	limit   *serviceLimiter
	counter *callCounter
	fanout  int

	mu   sync.Mutex
	gaps []*Item
}

// Gap records that resourceType could not be collected in this region
// because of err; checks over that type answer ERROR with err's reason.
func (s *Scope) Gap(resourceType string, err error) {
	ce, ok := err.(*CallError)
	if !ok {
		ce = &CallError{Code: "Error", Message: err.Error(), Region: s.APIRegion}
	}
	it := &Item{
		ResourceType:  GapType,
		ResourceID:    resourceType + "/" + ce.Permission,
		ResourceName:  resourceType,
		Configuration: ConfigJSON(map[string]any{"resourceType": resourceType}),
		Errors:        []CallError{*ce},
	}
	s.mu.Lock()
	s.gaps = append(s.gaps, it)
	s.mu.Unlock()
}

// NewItem starts an item of this scope with the common fields set.
func (s *Scope) NewItem(resourceType, id, name, arn string, configuration any) *Item {
	it := &Item{
		Version:      ItemVersion,
		AccountID:    s.Account,
		CaptureTime:  s.Now,
		Status:       StatusOK,
		ResourceType: resourceType,
		ResourceID:   id,
		ResourceName: name,
		ARN:          arn,
		Region:       s.Region,
	}
	switch c := configuration.(type) {
	case nil:
	case []byte:
		it.Configuration = c
	default:
		it.Configuration = ConfigJSON(c)
	}
	return it
}

// ForEach runs fn over items with the scope's bounded fan-out (per-resource
// calls: bucket policies, key rotation status). fn's errors are returned
// joined; ctx cancellation stops it.
func ForEach[T any](ctx context.Context, s *Scope, items []T, fn func(ctx context.Context, v T) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, s.fanout))
	var mu sync.Mutex
	var errs []error
	for _, v := range items {
		g.Go(func() error {
			if err := fn(ctx, v); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// Special resource types Vigil adds to a snapshot.
const (
	// GapType items record a resource type that could not be collected in
	// a region (configuration.ResourceType; Errors says why).
	GapType = "Vigil::Collection::Gap"
	// RegionType items record each region of the account and whether it
	// was scanned (configuration: regionName, optInStatus, scanned).
	RegionType = "Vigil::Account::Region"
)

// callCounter counts calls per IAM action.
type callCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *callCounter) add(action string) {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[action]++
	c.mu.Unlock()
}

func (c *callCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

// serviceLimiter bounds the call rate per service so a collection never
// throttles the audited account's own workloads.
type serviceLimiter struct {
	perSecond float64
	mu        sync.Mutex
	next      map[string]time.Time
}

func (l *serviceLimiter) wait(ctx context.Context, service string) error {
	if l == nil || l.perSecond <= 0 {
		return nil
	}
	interval := time.Duration(float64(time.Second) / l.perSecond)
	l.mu.Lock()
	now := time.Now()
	t := l.next[service]
	if t.Before(now) {
		t = now
	}
	l.next[service] = t.Add(interval)
	l.mu.Unlock()
	if d := time.Until(t); d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
	return nil
}

func joinNames(cs []*Collector) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}
