package inventory

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// DefaultGlobalRegion is where global resources are collected.
const DefaultGlobalRegion = "us-east-1"

// Options configure one account's collection.
type Options struct {
	// AWS is the configuration whose credentials act in the account
	// (an assumed role's, or the caller's own). Its region is replaced per
	// call. Unused when replaying.
	AWS      aws.Config
	Endpoint awsapi.Options
	// Account is the account id; when empty it comes from
	// sts:GetCallerIdentity (or its recording).
	Account string
	// Regions limits the regions scanned (default: every enabled region).
	Regions []string
	// GlobalRegion is where global resources are collected (default
	// us-east-1).
	GlobalRegion string
	// Collectors limits the collectors run, by name (default: all).
	Collectors []string
	// Parallel bounds collector×region tasks in flight (default 8); Fanout
	// the per-resource calls in flight inside one task (default 8).
	Parallel, Fanout int
	// RatePerService caps calls per second per service (0: no cap).
	RatePerService float64
	// Record writes every call's response in CloudMapper's collect layout
	// under this folder; Replay reads a collection from such a folder
	// instead of calling AWS.
	Record, Replay string
	// Now is the capture time (default time.Now).
	Now time.Time
	// Log receives progress lines (default: discard).
	Log *slog.Logger
	// Progress, if set, is called after each collector×region task.
	Progress func(done, total int)
}

// Snapshot is one account's collection.
type Snapshot struct {
	Account string
	// ID names the snapshot: "api-<time>" or "replay-<time>".
	ID    string
	Time  time.Time
	Items []*Item
	// Calls counts API calls per IAM action.
	Calls map[string]int
	// Regions scanned, and skipped with the reason.
	Regions []string
	Skipped map[string]string
}

// CallCount is the total number of API calls.
func (s *Snapshot) CallCount() int {
	n := 0
	for _, c := range s.Calls {
		n += c
	}
	return n
}

// Collect runs the collectors over one account.
func Collect(ctx context.Context, o Options) (*Snapshot, error) {
	if o.GlobalRegion == "" {
		o.GlobalRegion = DefaultGlobalRegion
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	o.Now = o.Now.UTC().Truncate(time.Millisecond)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Parallel <= 0 {
		o.Parallel = 8
	}
	if o.Fanout <= 0 {
		o.Fanout = 8
	}
	var rec *recorder
	if o.Record != "" {
		rec = &recorder{dir: o.Record}
	}
	counter := &callCounter{}
	var limit *serviceLimiter
	if o.RatePerService > 0 {
		limit = &serviceLimiter{perSecond: o.RatePerService, next: map[string]time.Time{}}
	}
	scope := func(region, apiRegion string) *Scope {
		cfg := o.AWS.Copy()
		cfg.Region = apiRegion
		return &Scope{
			Account: o.Account, Region: region, APIRegion: apiRegion, AWS: cfg,
			Endpoint: o.Endpoint, Now: o.Now, Log: o.Log,
			replay: o.Replay, record: rec, limit: limit, counter: counter, fanout: o.Fanout,
		}
	}
	collectors, err := selectCollectors(o.Collectors)
	if err != nil {
		return nil, err
	}

	global := scope(GlobalRegion, o.GlobalRegion)
	if o.Account == "" {
		id, err := Call(ctx, global, Op{Service: "sts", Operation: "get-caller-identity"}, func(ctx context.Context) (*sts.GetCallerIdentityOutput, error) {
			return sts.NewFromConfig(global.AWS).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		})
		if err != nil {
			return nil, fmt.Errorf("find the account id (pass it explicitly to skip this call): %w", err)
		}
		o.Account = aws.ToString(id.Account)
	}
	if !vigil.IsAccountID(o.Account) {
		return nil, fmt.Errorf("account id %q: want 12 digits", o.Account)
	}
	global.Account = o.Account

	snap := &Snapshot{Account: o.Account, Time: o.Now, Skipped: map[string]string{}}
	snap.ID = "api-" + o.Now.Format("20060102T150405.000Z")
	if o.Replay != "" {
		snap.ID = "replay-" + o.Now.Format("20060102T150405.000Z")
	}

	regionItems, regions, err := discoverRegions(ctx, global, o.Regions, snap.Skipped)
	if err != nil {
		return nil, err
	}
	snap.Items = append(snap.Items, regionItems...)
	snap.Regions = regions

	type task struct {
		c *Collector
		s *Scope
	}
	var tasks []task
	for _, c := range collectors {
		if c.Global {
			tasks = append(tasks, task{c, scope(GlobalRegion, o.GlobalRegion)})
			continue
		}
		for _, r := range regions {
			tasks = append(tasks, task{c, scope(r, r)})
		}
	}
	var (
		mu   sync.Mutex
		done int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(o.Parallel)
	for _, t := range tasks {
		t.s.Account = o.Account
		g.Go(func() error {
			start := time.Now()
			items, err := safeCollect(gctx, t.c, t.s)
			if gctx.Err() != nil {
				return gctx.Err()
			}
			if err != nil {
				o.Log.Warn("collector failed", "collector", t.c.Name, "region", t.s.APIRegion, "err", err)
				for _, rt := range t.c.ResourceTypes {
					t.s.Gap(rt, err)
				}
			}
			for _, it := range items {
				finishItem(it, t.s)
			}
			mu.Lock()
			snap.Items = append(snap.Items, items...)
			snap.Items = append(snap.Items, t.s.gaps...)
			done++
			if o.Progress != nil {
				o.Progress(done, len(tasks))
			}
			mu.Unlock()
			o.Log.Debug("collected", "collector", t.c.Name, "region", t.s.APIRegion, "items", len(items), "gaps", len(t.s.gaps), "took", time.Since(start))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	dropDisabledRegions(snap)
	for _, it := range snap.Items {
		if it.ResourceType == GapType {
			finishItem(it, global)
			if len(it.Errors) > 0 && it.Errors[0].Region != "" && it.Region == GlobalRegion {
				it.Region = it.Errors[0].Region
			}
		}
	}
	sortItems(snap.Items)
	snap.Calls = counter.snapshot()
	return snap, nil
}

// disabledCodes are the answers of a region that is not enabled for the
// account (an opt-in region never opted in, or one an SCP or the account's
// settings turned off): every service refuses the credentials there.
var disabledCodes = map[string]bool{
	"AuthFailure": true, "UnrecognizedClientException": true, "InvalidClientTokenId": true,
	"OptInRequired": true, "SignatureDoesNotMatch": false,
}

// dropDisabledRegions turns a scanned region whose every call was refused
// as from a region that is not enabled into a skipped region: such a
// region is reported as skipped with the reason, not as a wall of errors.
func dropDisabledRegions(snap *Snapshot) {
	items := map[string]int{}
	gaps := map[string][]*Item{}
	for _, it := range snap.Items {
		switch it.ResourceType {
		case RegionType:
		case GapType:
			if len(it.Errors) > 0 && it.Errors[0].Region != "" {
				gaps[it.Errors[0].Region] = append(gaps[it.Errors[0].Region], it)
			}
		default:
			if it.Region != GlobalRegion {
				items[it.Region]++
			}
		}
	}
	drop := map[string]string{}
	for region, gs := range gaps {
		if items[region] > 0 || !slices.Contains(snap.Regions, region) {
			continue
		}
		all := true
		for _, g := range gs {
			all = all && disabledCodes[g.Errors[0].Code]
		}
		if all {
			drop[region] = fmt.Sprintf("region answers as not enabled for this account (%s: %s)", gs[0].Errors[0].Code, gs[0].Errors[0].Message)
		}
	}
	if len(drop) == 0 {
		return
	}
	snap.Items = slices.DeleteFunc(snap.Items, func(it *Item) bool {
		return it.ResourceType == GapType && len(it.Errors) > 0 && drop[it.Errors[0].Region] != ""
	})
	snap.Regions = slices.DeleteFunc(snap.Regions, func(r string) bool { return drop[r] != "" })
	for r, why := range drop {
		snap.Skipped[r] = why
	}
	for _, it := range snap.Items {
		if it.ResourceType == RegionType && drop[it.ResourceID] != "" {
			c := it.Conf()
			c["scanned"] = false
			c["skipReason"] = drop[it.ResourceID]
			it.Configuration = ConfigJSON(c)
		}
	}
}

// safeCollect runs one collector task, turning a panic into an error so a
// crashed collector costs its own resource types, not the run.
func safeCollect(ctx context.Context, c *Collector, s *Scope) (items []*Item, err error) {
	defer func() {
		if p := recover(); p != nil {
			items, err = nil, &CallError{Permission: c.Name, Region: s.APIRegion, Code: "CollectorCrashed", Message: fmt.Sprint(p)}
		}
	}()
	return c.Collect(ctx, s)
}

// finishItem fills the common fields a collector left empty.
func finishItem(it *Item, s *Scope) {
	if it.Version == "" {
		it.Version = ItemVersion
	}
	if it.AccountID == "" {
		it.AccountID = s.Account
	}
	if it.CaptureTime.IsZero() {
		it.CaptureTime = s.Now
	}
	if it.Status == "" {
		it.Status = StatusOK
	}
	if it.Region == "" {
		it.Region = s.Region
	}
	if it.StateID == "" {
		it.StateID = fmt.Sprint(s.Now.UnixMilli())
	}
	if it.AvailabilityZone == "" {
		if it.Region == GlobalRegion {
			it.AvailabilityZone = "Not Applicable"
		} else {
			it.AvailabilityZone = "Regional"
		}
	}
}

func sortItems(items []*Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.ResourceType != b.ResourceType {
			return a.ResourceType < b.ResourceType
		}
		return a.ResourceID < b.ResourceID
	})
}

func selectCollectors(names []string) ([]*Collector, error) {
	all := Collectors()
	if len(names) == 0 {
		return all, nil
	}
	var out []*Collector
	for _, n := range names {
		i := slices.IndexFunc(all, func(c *Collector) bool { return c.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("unknown collector %q (have %s)", n, joinNames(all))
		}
		out = append(out, all[i])
	}
	return out, nil
}

// discoverRegions lists the account's regions (ec2:DescribeRegions with
// AllRegions) and returns the enabled ones to scan, narrowed to want. A
// region that is not enabled is skipped with a reason, not an error.
func discoverRegions(ctx context.Context, s *Scope, want []string, skipped map[string]string) ([]*Item, []string, error) {
	out, err := Call(ctx, s, Op{Service: "ec2", Operation: "describe-regions"}, func(ctx context.Context) (*ec2.DescribeRegionsOutput, error) {
		return ec2.NewFromConfig(s.AWS).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	})
	if err != nil {
		if len(want) == 0 {
			return nil, nil, fmt.Errorf("list regions (or pass --regions): %w", err)
		}
		// Without DescribeRegions, trust the requested list.
		s.Log.Warn("cannot list regions; scanning the requested ones", "err", err)
		out = &ec2.DescribeRegionsOutput{}
		for _, r := range want {
			out.Regions = append(out.Regions, ec2Region(r, "opt-in-not-required"))
		}
	}
	enabled := map[string]bool{}
	var items []*Item
	for _, r := range out.Regions {
		name := aws.ToString(r.RegionName)
		status := aws.ToString(r.OptInStatus)
		on := status == "" || status == "opt-in-not-required" || status == "opted-in"
		enabled[name] = on
		items = append(items, &Item{
			ResourceType: RegionType, ResourceID: name, ResourceName: name, Region: name,
			Configuration: ConfigJSON(map[string]any{"regionName": name, "optInStatus": status, "endpoint": aws.ToString(r.Endpoint)}),
		})
	}
	var regions []string
	if len(want) == 0 {
		for name, on := range enabled {
			if on {
				regions = append(regions, name)
			} else {
				skipped[name] = "region not enabled (" + regionStatus(out, name) + ")"
			}
		}
	} else {
		for _, name := range want {
			on, known := enabled[name]
			switch {
			case !known:
				skipped[name] = "region unknown to this account"
			case !on:
				skipped[name] = "region not enabled (" + regionStatus(out, name) + ")"
			default:
				regions = append(regions, name)
			}
		}
	}
	sort.Strings(regions)
	scanned := map[string]bool{}
	for _, r := range regions {
		scanned[r] = true
	}
	for _, it := range items {
		c := it.Conf()
		c["scanned"] = scanned[it.ResourceID]
		if why, ok := skipped[it.ResourceID]; ok {
			c["skipReason"] = why
		}
		it.Configuration = ConfigJSON(c)
		it.conf = nil
		finishItem(it, s)
	}
	return items, regions, nil
}

func regionStatus(out *ec2.DescribeRegionsOutput, name string) string {
	for _, r := range out.Regions {
		if aws.ToString(r.RegionName) == name {
			return aws.ToString(r.OptInStatus)
		}
	}
	return ""
}

// FailedCalls returns the IAM actions whose calls were denied, and the
// other failed calls as "action (code)", from every item and gap of the
// snapshot, each sorted and without repeats.
func (s *Snapshot) FailedCalls() (denied, failed []string) {
	for _, it := range s.Items {
		for _, e := range it.Errors {
			if e.Denied() {
				denied = append(denied, e.Permission)
			} else {
				failed = append(failed, e.Permission+" ("+e.Code+")")
			}
		}
	}
	slices.Sort(denied)
	slices.Sort(failed)
	return slices.Compact(denied), slices.Compact(failed)
}
