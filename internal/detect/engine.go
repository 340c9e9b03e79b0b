package detect

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Options tune an Engine.
type Options struct {
	// Now stamps createdAt and updatedAt (default time.Now). Detections
	// never read the clock: their time is the records'.
	Now func() time.Time
	// Log receives warnings; nil discards them.
	Log *slog.Logger
}

// Engine runs detections over records and aggregates their hits into
// findings. Event, Events and Flow are safe for concurrent use (Match
// runs in the caller's goroutine; aggregation takes a lock, and hits are
// rare).
type Engine struct {
	ctx  *Context
	now  func() time.Time
	log  *slog.Logger
	supp []*compiledSuppression

	anyEvent []*Detection            // Match for every event
	byName   map[string][]*Detection // Match for named events
	flow     []*Detection            // MatchFlow
	stateful []*statefulRun
	// The stateful detections that observe events and flows, sorted out
	// once so the per-record loops do no type assertions.
	eventObs []*statefulRun
	flowObs  []*statefulRun

	mu    sync.Mutex
	aggs  map[string]*agg
	extra map[string]json.RawMessage // loaded state of detections not running

	events, internal, trusted, flows, hits atomic.Int64
}

// statefulRun is one instance of a stateful detection, or of a model
// several detections share (members, by ID; key is the model's name).
type statefulRun struct {
	d       *Detection
	key     string // the state's key: the detection's ID or the model's name
	members map[string]*Detection
	mu      sync.Mutex
	s       Stateful
}

// detection returns the detection a hit of the run is for (nil: a member
// of the model that is not running).
func (r *statefulRun) detection(h *Hit) *Detection {
	if r.members == nil || h.Detection == "" {
		return r.d
	}
	return r.members[h.Detection]
}

// agg is one finding and what was aggregated into it.
type agg struct {
	f      *vigil.Finding
	c      *counter
	source string
	loaded bool // existed before this engine
	dirty  bool // changed by this engine
	stale  bool // evidence not yet rendered
}

// New returns an engine running reg's detections with context c (nil: an
// empty context).
func New(reg *Registry, c *Context, opt Options) (*Engine, error) {
	if c == nil {
		c = &Context{}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	en := &Engine{ctx: c, now: opt.Now, log: opt.Log.With(vigil.LogKeyComponent, "detect"),
		byName: map[string][]*Detection{}, aggs: map[string]*agg{}, extra: map[string]json.RawMessage{}}
	var errs []error
	for i := range c.Suppressions {
		s, err := c.Suppressions[i].compile()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		en.supp = append(en.supp, s)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	models := map[string]*statefulRun{}
	for _, d := range reg.All() {
		switch {
		case d.Match != nil && len(d.Events) == 0:
			en.anyEvent = append(en.anyEvent, d)
		case d.Match != nil:
			for _, name := range d.Events {
				en.byName[name] = append(en.byName[name], d)
			}
		case d.MatchFlow != nil:
			en.flow = append(en.flow, d)
		case d.NewStateful != nil && models[d.Model] != nil:
			models[d.Model].members[d.ID] = d
		case d.NewStateful != nil:
			sr := &statefulRun{d: d, key: d.ID, s: d.NewStateful()}
			if d.Model != "" {
				sr.key, sr.members = d.Model, map[string]*Detection{d.ID: d}
				models[d.Model] = sr
			}
			en.stateful = append(en.stateful, sr)
			if _, ok := sr.s.(EventObserver); ok {
				en.eventObs = append(en.eventObs, sr)
			}
			if _, ok := sr.s.(FlowObserver); ok {
				en.flowObs = append(en.flowObs, sr)
			}
		}
	}
	return en, nil
}

// Event runs the detections over one CloudTrail event of partition p.
// Events AWSInternal classifies as AWS's own, and events from trusted
// addresses, reach no detection.
func (en *Engine) Event(e *vigil.Event, p vigil.Partition) {
	en.events.Add(1)
	en.event(e, p)
}

// Events runs the detections over a batch of events of partition p (the
// batches the ingest writer gets).
func (en *Engine) Events(p vigil.Partition, events []vigil.Event) {
	en.events.Add(int64(len(events)))
	for i := range events {
		en.event(&events[i], p)
	}
}

func (en *Engine) event(e *vigil.Event, p vigil.Partition) {
	if AWSInternal(e) {
		en.internal.Add(1)
		return
	}
	if len(en.ctx.Trusted) > 0 {
		if a, ok := SourceAddr(e); ok && en.ctx.IsTrusted(a) {
			en.trusted.Add(1)
			return
		}
	}
	for _, d := range en.anyEvent {
		if h := d.Match(e, en.ctx); h != nil {
			h.Event, h.Partition = e, p
			en.apply(d, h)
		}
	}
	for _, d := range en.byName[e.EventName] {
		if h := d.Match(e, en.ctx); h != nil {
			h.Event, h.Partition = e, p
			en.apply(d, h)
		}
	}
	for _, s := range en.eventObs {
		s.mu.Lock()
		hits := s.s.(EventObserver).ObserveEvent(e, p, en.ctx)
		s.mu.Unlock()
		en.applyRun(s, hits)
	}
}

// Flow runs the detections over one flow-log record of partition p.
// Records from trusted addresses reach no detection.
func (en *Engine) Flow(r *vigil.FlowRecord, p vigil.Partition) {
	en.flows.Add(1)
	if len(en.ctx.Trusted) > 0 && (en.trustedAddr(r.Str[vigil.FlowSrcAddr]) || en.trustedAddr(r.Str[vigil.FlowDstAddr])) {
		en.trusted.Add(1)
		return
	}
	for _, d := range en.flow {
		if h := d.MatchFlow(r, en.ctx); h != nil {
			h.Flow, h.Partition = r, p
			en.apply(d, h)
		}
	}
	for _, s := range en.flowObs {
		s.mu.Lock()
		hits := s.s.(FlowObserver).ObserveFlow(r, p, en.ctx)
		s.mu.Unlock()
		en.applyRun(s, hits)
	}
}

func (en *Engine) trustedAddr(s string) bool {
	a, ok := SourceAddr(&vigil.Event{SourceIPAddress: s})
	return ok && en.ctx.IsTrusted(a)
}

// Flush lets stateful detections report what the run's records proved.
// Call it once all of a run's records are in, before Findings and SaveState.
func (en *Engine) Flush() {
	for _, s := range en.stateful {
		s.mu.Lock()
		hits := s.s.Flush(en.ctx)
		s.mu.Unlock()
		en.applyRun(s, hits)
	}
}

// applyRun aggregates the hits of a stateful run, each into the finding
// of the detection it is for.
func (en *Engine) applyRun(s *statefulRun, hits []Hit) {
	for i := range hits {
		if d := s.detection(&hits[i]); d != nil {
			en.apply(d, &hits[i])
		}
	}
}

// apply aggregates a hit into its finding.
func (en *Engine) apply(d *Detection, h *Hit) {
	en.hits.Add(1)
	if (h.Event == nil) == (h.Flow == nil) {
		en.log.Error("BUG: hit without exactly one record", "detection_id", d.ID)
		return
	}
	k := keyOf(d, h)
	ref := refOf(h)
	en.mu.Lock()
	defer en.mu.Unlock()
	now := vigil.FindingTime(en.now())
	a := en.aggs[k.id]
	created := a == nil
	if created {
		a = &agg{f: en.newFinding(d, h, k, now), c: &counter{}, source: d.Source}
		en.aggs[k.id] = a
	}
	changed := a.c.add(ref)
	latest := a.c.last() == ref
	for _, r := range h.Refs {
		changed = a.c.add(r) || changed
		latest = latest || a.c.last() == r
	}
	if !changed {
		return
	}
	f := a.f
	switch {
	case latest && !created: // the latest occurrence: refresh the sample, as GuardDuty does
		en.setSample(f, d, h)
	case h.Probe && h.Flow != nil && !created: // an earlier probe: list it too
		f.Service.Action.PortProbeAction = addProbe(f.Service.Action.PortProbeAction, en.connection(h.Flow))
	}
	f.Severity = max(f.Severity, hitSeverity(d, h))
	f.Service.Count = a.c.count()
	f.Service.EventFirstSeen = a.c.first().Time
	f.Service.EventLastSeen = a.c.last().Time
	f.UpdatedAt = now
	if !f.Service.Archived {
		f.Service.Archived = en.suppressed(f)
	}
	a.dirty, a.stale = true, true
}

func (en *Engine) suppressed(f *vigil.Finding) bool {
	for _, s := range en.supp {
		if s.matches(f) {
			return true
		}
	}
	return false
}

// Load seeds the engine with stored findings, so that new hits aggregate
// into them. Call it before any record.
func (en *Engine) Load(findings []vigil.Finding) error {
	en.mu.Lock()
	defer en.mu.Unlock()
	for i := range findings {
		f := findings[i]
		if _, dup := en.aggs[f.ID]; dup {
			return fmt.Errorf("load findings: duplicate finding %s", f.ID)
		}
		c, err := decodeCounter(f.Evidence.Sketch)
		if err != nil {
			return fmt.Errorf("load finding %s: %w", f.ID, err)
		}
		source := SourceCloudTrail
		if len(f.Evidence.FlowKeys) > 0 {
			source = SourceFlowLogs
		}
		en.aggs[f.ID] = &agg{f: &f, c: c, source: source, loaded: true}
	}
	return nil
}

// Findings returns every finding, loaded and new, sorted by severity
// (highest first), then type, account, region and ID. The findings share
// memory with the engine: do not modify them.
func (en *Engine) Findings() []vigil.Finding {
	en.mu.Lock()
	defer en.mu.Unlock()
	out := make([]vigil.Finding, 0, len(en.aggs))
	for _, a := range en.aggs {
		if a.stale {
			ev := &a.f.Evidence
			ev.EventIDs, ev.FlowKeys = nil, nil
			if a.source == SourceFlowLogs {
				ev.FlowKeys = a.c.ids()
			} else {
				ev.EventIDs = a.c.ids()
			}
			ev.SQL = evidenceSQL(a.source, a.c)
			ev.Sketch = a.c.encode()
			a.stale = false
		}
		out = append(out, *a.f)
	}
	SortFindings(out)
	return out
}

// SortFindings sorts findings by severity (highest first), then type,
// account, region and ID.
func SortFindings(fs []vigil.Finding) {
	slices.SortFunc(fs, func(a, b vigil.Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity, a.Severity),
			strings.Compare(a.Type, b.Type),
			strings.Compare(a.AccountID, b.AccountID),
			strings.Compare(a.Region, b.Region),
			strings.Compare(a.ID, b.ID),
		)
	})
}

// Stats count what an engine saw and did.
type Stats struct {
	Events      int64 `json:"events"`
	AWSInternal int64 `json:"aws_internal"` // events of AWS's own, not evaluated
	Trusted     int64 `json:"trusted"`      // records from trusted addresses, not evaluated
	Flows       int64 `json:"flow_records"`
	Hits        int64 `json:"hits"`
	Findings    int   `json:"findings"` // all, loaded and new
	New         int   `json:"new"`      // created by this engine
	Updated     int   `json:"updated"`  // loaded and changed by this engine
}

// Stats returns the engine's counters so far.
func (en *Engine) Stats() Stats {
	s := Stats{Events: en.events.Load(), AWSInternal: en.internal.Load(), Trusted: en.trusted.Load(), Flows: en.flows.Load(), Hits: en.hits.Load()}
	en.mu.Lock()
	defer en.mu.Unlock()
	s.Findings = len(en.aggs)
	for _, a := range en.aggs {
		switch {
		case !a.loaded:
			s.New++
		case a.dirty:
			s.Updated++
		}
	}
	return s
}

// Changed returns the IDs of findings created or updated by this engine.
func (en *Engine) Changed() map[string]bool {
	en.mu.Lock()
	defer en.mu.Unlock()
	out := map[string]bool{}
	for id, a := range en.aggs {
		if a.dirty {
			out[id] = true
		}
	}
	return out
}

// AddAccounts adds accounts to the organization's (Context.Accounts), for
// a run that learns them from its inputs. Call it before feeding events:
// it is not safe concurrently with Event.
func (en *Engine) AddAccounts(accounts []string) {
	if en.ctx.Accounts == nil {
		en.ctx.Accounts = map[string]bool{}
	}
	for _, a := range accounts {
		en.ctx.Accounts[a] = true
	}
}
