package detect

import (
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"
)

// StateStore persists the state of stateful detections, one JSON value
// per detection ID. SaveState must replace the stored state atomically:
// after a crash, either the old or the new state is there.
type StateStore interface {
	LoadState() (map[string]json.RawMessage, error)
	SaveState(map[string]json.RawMessage) error
}

// LoadState restores each stateful detection's state from s. State of
// detections not running is kept and saved back unchanged. A shared
// model's state is stored under the model's name; when there is none
// yet, the states its members stored on their own (before they shared
// it) are each given to UnmarshalState, in ID order, and then dropped.
func (en *Engine) LoadState(s StateStore) error {
	m, err := s.LoadState()
	if err != nil {
		return fmt.Errorf("load detection state: %w", err)
	}
	running := map[string]bool{}
	todo := make([][]json.RawMessage, len(en.stateful))
	for i, r := range en.stateful {
		running[r.key] = true
		if raw, ok := m[r.key]; ok {
			todo[i] = append(todo[i], raw)
			continue
		}
		for _, id := range slices.Sorted(maps.Keys(r.members)) {
			if raw, ok := m[id]; ok {
				todo[i] = append(todo[i], raw)
				running[id] = true
			}
		}
	}
	// Each detection's state is its own: decode them in parallel (the
	// flow-log windows' states are megabytes of JSON).
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, r := range en.stateful {
		g.Go(func() error {
			for _, raw := range todo[i] {
				r.mu.Lock()
				err := r.s.UnmarshalState(raw)
				r.mu.Unlock()
				if err != nil {
					return fmt.Errorf("load state of %s: %w", r.key, err)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	en.mu.Lock()
	defer en.mu.Unlock()
	for id, raw := range m {
		if !running[id] {
			en.extra[id] = raw
		}
	}
	return nil
}

// SaveState writes every stateful detection's state to s.
func (en *Engine) SaveState(s StateStore) error {
	en.mu.Lock()
	m := maps.Clone(en.extra)
	en.mu.Unlock()
	raws := make([]json.RawMessage, len(en.stateful))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, r := range en.stateful {
		g.Go(func() error {
			r.mu.Lock()
			raw, err := r.s.MarshalState()
			r.mu.Unlock()
			if err != nil {
				return fmt.Errorf("save state of %s: %w", r.key, err)
			}
			raws[i] = raw
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, r := range en.stateful {
		m[r.key] = raws[i]
	}
	if err := s.SaveState(m); err != nil {
		return fmt.Errorf("save detection state: %w", err)
	}
	return nil
}

// MemState is a StateStore in memory, for tests and one-off runs.
type MemState struct {
	mu sync.Mutex
	m  map[string]json.RawMessage
}

// LoadState implements StateStore.
func (s *MemState) LoadState() (map[string]json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.m), nil
}

// SaveState implements StateStore.
func (s *MemState) SaveState(m map[string]json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m = maps.Clone(m)
	return nil
}
