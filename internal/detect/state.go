package detect

import (
	"encoding/json"
	"fmt"
	"maps"
	"sync"
)

// StateStore persists the state of stateful detections, one JSON value
// per detection ID. SaveState must replace the stored state atomically:
// after a crash, either the old or the new state is there.
type StateStore interface {
	LoadState() (map[string]json.RawMessage, error)
	SaveState(map[string]json.RawMessage) error
}

// LoadState restores each stateful detection's state from s. State of
// detections not running is kept and saved back unchanged.
func (en *Engine) LoadState(s StateStore) error {
	m, err := s.LoadState()
	if err != nil {
		return fmt.Errorf("load detection state: %w", err)
	}
	running := map[string]bool{}
	for _, r := range en.stateful {
		running[r.d.ID] = true
		raw, ok := m[r.d.ID]
		if !ok {
			continue
		}
		r.mu.Lock()
		err := r.s.UnmarshalState(raw)
		r.mu.Unlock()
		if err != nil {
			return fmt.Errorf("load state of %s: %w", r.d.ID, err)
		}
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
	for _, r := range en.stateful {
		r.mu.Lock()
		raw, err := r.s.MarshalState()
		r.mu.Unlock()
		if err != nil {
			return fmt.Errorf("save state of %s: %w", r.d.ID, err)
		}
		m[r.d.ID] = raw
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
