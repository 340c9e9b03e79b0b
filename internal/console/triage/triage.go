package triage

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// File is the triage file's path relative to the lake.
const File = "_vigil/console/triage.json"

// Decision is an analyst's archive or unarchive of one finding.
type Decision struct {
	Archived bool      `json:"archived"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Rule is a suppression rule and who made it.
type Rule struct {
	detect.Suppression
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// State is the content of the triage file.
type State struct {
	Version int `json:"version"`
	// Decisions maps finding IDs to the latest decision on them.
	Decisions map[string]Decision `json:"decisions"`
	// Rules are the suppression rules, in creation order; names are unique.
	Rules []Rule `json:"rules"`

	compiled []compiledRule
}

type compiledRule struct {
	s   detect.Suppression
	ips *geo.List
}

// Load reads the lake's triage state (empty when there is none).
func Load(lakeDir string) (*State, error) {
	path := filepath.Join(lakeDir, File)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{Version: 1, Decisions: map[string]Decision{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read triage state: %w", err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("read triage state %s: %w", path, err)
	}
	if s.Version != 1 {
		return nil, fmt.Errorf("read triage state %s: unknown version %d", path, s.Version)
	}
	if s.Decisions == nil {
		s.Decisions = map[string]Decision{}
	}
	if err := s.compile(); err != nil {
		return nil, fmt.Errorf("read triage state %s: %w", path, err)
	}
	return &s, nil
}

func (s *State) compile() error {
	s.compiled = s.compiled[:0]
	var errs []error
	for _, r := range s.Rules {
		if err := r.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		c := compiledRule{s: r.Suppression}
		if len(r.IPs) > 0 {
			l, err := geo.NewList("suppression "+r.Name, r.IPs...)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			c.ips = l
		}
		s.compiled = append(s.compiled, c)
	}
	return errors.Join(errs...)
}

// Update applies change to the lake's triage state under an exclusive
// lock and stores the result atomically (other processes read either the
// old or the new file). The file is readable by its owner only.
func Update(lakeDir string, change func(*State) error) error {
	dir := filepath.Join(lakeDir, filepath.Dir(File))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("update triage state: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "triage.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("update triage state: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("lock triage state: %w", err)
	}
	s, err := Load(lakeDir)
	if err != nil {
		return err
	}
	if err := change(s); err != nil {
		return err
	}
	if err := s.compile(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(lakeDir, File), b)
}

// writeAtomic replaces path with b: write a temporary file, sync, rename.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Decide records an archive (archived true) or unarchive of finding id.
func (s *State) Decide(id string, archived bool, by string, at time.Time) {
	s.Decisions[id] = Decision{Archived: archived, By: by, At: at.UTC()}
}

// AddRule adds a suppression rule; its name must be new and its criteria
// valid.
func (s *State) AddRule(r Rule) error {
	r.Name = strings.TrimSpace(r.Name)
	if err := r.Validate(); err != nil {
		return err
	}
	if slices.ContainsFunc(s.Rules, func(o Rule) bool { return strings.EqualFold(o.Name, r.Name) }) {
		return fmt.Errorf("suppression rule %q exists already", r.Name)
	}
	r.CreatedAt = r.CreatedAt.UTC()
	s.Rules = append(s.Rules, r)
	return nil
}

// DeleteRule removes the rule named name.
func (s *State) DeleteRule(name string) error {
	i := slices.IndexFunc(s.Rules, func(r Rule) bool { return r.Name == name })
	if i < 0 {
		return fmt.Errorf("suppression rule %q: %w", name, vigil.ErrNotFound)
	}
	s.Rules = slices.Delete(s.Rules, i, i+1)
	return nil
}

// Suppressions returns the rules as the detection engine takes them
// (detect.Context.Suppressions).
func (s *State) Suppressions() []detect.Suppression {
	out := make([]detect.Suppression, len(s.Rules))
	for i, r := range s.Rules {
		out[i] = r.Suppression
	}
	return out
}

// Archived reports whether f is archived, and why: "archived by <who>",
// "unarchived by <who>", "rule <name>", "detection" or "" (not archived).
func (s *State) Archived(f *vigil.Finding) (bool, string) {
	if d, ok := s.Decisions[f.ID]; ok {
		if d.Archived {
			return true, "archived by " + d.By
		}
		return false, "unarchived by " + d.By
	}
	if f.Service.Archived {
		return true, "detection"
	}
	if r := s.MatchingRule(f); r != "" {
		return true, "rule " + r
	}
	return false, ""
}

// MatchingRule returns the name of the first rule matching f ("" if none).
// A rule matches when every criterion it has matches; within a criterion,
// any value may ('*' is a wildcard in types, accounts and principals).
func (s *State) MatchingRule(f *vigil.Finding) string {
	for _, c := range s.compiled {
		if c.matches(f) {
			return c.s.Name
		}
	}
	return ""
}

func (c *compiledRule) matches(f *vigil.Finding) bool {
	anyOf := func(patterns []string, v string) bool {
		return slices.ContainsFunc(patterns, func(p string) bool { return detect.Wildcard(p, v) })
	}
	switch {
	case len(c.s.Types) > 0 && !anyOf(c.s.Types, f.Type),
		len(c.s.Accounts) > 0 && !anyOf(c.s.Accounts, f.AccountID),
		len(c.s.Principals) > 0 && !anyOf(c.s.Principals, f.Evidence.Principal):
		return false
	}
	if c.ips != nil {
		a, err := netip.ParseAddr(f.SourceIP())
		if err != nil || !c.ips.Contains(a.Unmap()) {
			return false
		}
	}
	return true
}

// Apply sets Service.Archived of each finding to its effective state, for
// commands that list findings (vigil findings).
func (s *State) Apply(fs []vigil.Finding) {
	for i := range fs {
		fs[i].Service.Archived, _ = s.Archived(&fs[i])
	}
}
