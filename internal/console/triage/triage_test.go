package triage

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func finding(id, typ, account, principal, ip string, archived bool) vigil.Finding {
	f := vigil.Finding{ID: id, Type: typ, AccountID: account, Evidence: vigil.Evidence{Principal: principal}}
	f.Service.Archived = archived
	if ip != "" {
		f.Service.Action.AWSAPICallAction = &vigil.AWSAPICallAction{RemoteIPDetails: &vigil.RemoteIPDetails{IPAddressV4: ip}}
	}
	return f
}

func TestArchived(t *testing.T) {
	lk := t.TempDir()
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	err := Update(lk, func(s *State) error {
		s.Decide("f-archived", true, "admin", at)
		s.Decide("f-unarchived", false, "admin", at)
		if err := s.AddRule(Rule{Suppression: detect.Suppression{Name: "red team", Types: []string{"PenTest:*"}, Accounts: []string{"111122223333"}}, CreatedBy: "admin", CreatedAt: at}); err != nil {
			return err
		}
		return s.AddRule(Rule{Suppression: detect.Suppression{Name: "office", IPs: []string{"203.0.113.0/24"}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(lk)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f        vigil.Finding
		archived bool
		why      string
	}{
		{finding("f-archived", "Recon:IAMUser/X", "1", "", "", false), true, "archived by admin"},
		{finding("f-unarchived", "PenTest:IAMUser/KaliLinux", "111122223333", "", "", true), false, "unarchived by admin"},
		{finding("f3", "PenTest:IAMUser/KaliLinux", "111122223333", "", "", false), true, "rule red team"},
		{finding("f4", "PenTest:IAMUser/KaliLinux", "444455556666", "", "", false), false, ""},
		{finding("f5", "Recon:IAMUser/X", "1", "", "203.0.113.77", false), true, "rule office"},
		{finding("f6", "Recon:IAMUser/X", "1", "", "198.51.100.1", false), false, ""},
		{finding("f7", "Recon:IAMUser/X", "1", "", "", true), true, "detection"},
	} {
		archived, why := s.Archived(&tc.f)
		if archived != tc.archived || why != tc.why {
			t.Errorf("%s: archived %v (%q), want %v (%q)", tc.f.ID, archived, why, tc.archived, tc.why)
		}
	}
	fs := []vigil.Finding{finding("f3", "PenTest:IAMUser/KaliLinux", "111122223333", "", "", false), finding("f-unarchived", "X", "1", "", "", true)}
	s.Apply(fs)
	if !fs[0].Service.Archived || fs[1].Service.Archived {
		t.Errorf("Apply: %v %v", fs[0].Service.Archived, fs[1].Service.Archived)
	}
	want := []detect.Suppression{{Name: "red team", Types: []string{"PenTest:*"}, Accounts: []string{"111122223333"}}, {Name: "office", IPs: []string{"203.0.113.0/24"}}}
	if diff := cmp.Diff(want, s.Suppressions()); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
	if info, err := os.Stat(filepath.Join(lk, File)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("triage file: %v %v", info, err)
	}
}

func TestRuleErrors(t *testing.T) {
	lk := t.TempDir()
	for _, tc := range []struct {
		name string
		rule Rule
	}{
		{"no criteria", Rule{Suppression: detect.Suppression{Name: "everything"}}},
		{"no name", Rule{Suppression: detect.Suppression{Types: []string{"X"}}}},
		{"bad ip", Rule{Suppression: detect.Suppression{Name: "bad", IPs: []string{"300.1.1.1"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Update(lk, func(s *State) error { return s.AddRule(tc.rule) }); err == nil {
				t.Error("rule accepted")
			}
		})
	}
	ok := Rule{Suppression: detect.Suppression{Name: "dup", Types: []string{"X"}}}
	if err := Update(lk, func(s *State) error { return s.AddRule(ok) }); err != nil {
		t.Fatal(err)
	}
	if err := Update(lk, func(s *State) error { return s.AddRule(ok) }); err == nil {
		t.Error("duplicate name accepted")
	}
	if err := Update(lk, func(s *State) error { return s.DeleteRule("nope") }); !errors.Is(err, vigil.ErrNotFound) {
		t.Errorf("delete unknown: %v", err)
	}
	if err := Update(lk, func(s *State) error { return s.DeleteRule("dup") }); err != nil {
		t.Fatal(err)
	}
	if s, err := Load(lk); err != nil || len(s.Rules) != 0 {
		t.Errorf("after delete: %v %v", s, err)
	}
	if err := os.WriteFile(filepath.Join(lk, File), []byte(`{"version":7}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(lk); err == nil {
		t.Error("unknown version accepted")
	}
}

func TestConcurrentUpdates(t *testing.T) {
	lk := t.TempDir()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := Update(lk, func(s *State) error {
				s.Decide(string(rune('a'+i)), true, "admin", time.Now())
				return nil
			}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	s, err := Load(lk)
	if err != nil || len(s.Decisions) != 20 {
		t.Errorf("%d decisions kept of 20 (%v)", len(s.Decisions), err)
	}
}
