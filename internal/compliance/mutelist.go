package compliance

import (
	"fmt"
	"os"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// Mutelist suppresses results the way Prowler's mutelist does: by
// account, region, check, resource pattern or tag. Muted results are kept
// and reported as muted, never dropped.
type Mutelist struct {
	Rules []MuteRule `yaml:"mutelist" json:"mutelist"`
}

// MuteRule matches results; every field given must match (fields are
// glob patterns: "*", "prod-*"). Tags match when the resource carries
// every listed tag with a matching value.
type MuteRule struct {
	Accounts  []string          `yaml:"accounts" json:"accounts,omitempty"`
	Regions   []string          `yaml:"regions" json:"regions,omitempty"`
	Checks    []string          `yaml:"checks" json:"checks,omitempty"`
	Resources []string          `yaml:"resources" json:"resources,omitempty"`
	Tags      map[string]string `yaml:"tags" json:"tags,omitempty"`
	Reason    string            `yaml:"reason" json:"reason,omitempty"`
}

// LoadMutelist reads the mutelist section of a YAML config file.
func LoadMutelist(file string) (*Mutelist, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var m Mutelist
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for i, r := range m.Rules {
		if len(r.Accounts)+len(r.Regions)+len(r.Checks)+len(r.Resources)+len(r.Tags) == 0 {
			return nil, fmt.Errorf("%s: mutelist rule %d matches everything; give accounts, regions, checks, resources or tags", file, i+1)
		}
		for _, pats := range [][]string{r.Accounts, r.Regions, r.Checks, r.Resources} {
			for _, p := range pats {
				if _, err := path.Match(p, ""); err != nil {
					return nil, fmt.Errorf("%s: mutelist rule %d: pattern %q: %w", file, i+1, p, err)
				}
			}
		}
	}
	return &m, nil
}

// Match reports whether r is muted, and by which rule's reason.
func (m *Mutelist) Match(r Result) (bool, string) {
	if m == nil {
		return false, ""
	}
	for i, rule := range m.Rules {
		if !matchAny(rule.Accounts, r.Account) || !matchAny(rule.Regions, r.Region) || !matchAny(rule.Checks, r.CheckID) {
			continue
		}
		if len(rule.Resources) > 0 && !matchAny(rule.Resources, r.ResourceID) && !matchAny(rule.Resources, r.ResourceARN) {
			continue
		}
		ok := true
		for k, v := range rule.Tags {
			tv, has := r.Tags[k]
			if !has || !globMatch(v, tv) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		reason := rule.Reason
		if reason == "" {
			reason = fmt.Sprintf("mutelist rule %d", i+1)
		}
		return true, reason
	}
	return false, ""
}

func matchAny(pats []string, s string) bool {
	if len(pats) == 0 {
		return true
	}
	for _, p := range pats {
		if globMatch(p, s) {
			return true
		}
	}
	return false
}

// globMatch matches shell-style patterns where * also crosses "/" and ":"
// (resource ids and ARNs contain both).
func globMatch(p, s string) bool {
	if p == "*" {
		return true
	}
	if !strings.ContainsAny(p, "*?[") {
		return p == s
	}
	// path.Match's * stops at '/'; replace separators so it does not.
	const sep = "\x00"
	ok, _ := path.Match(strings.ReplaceAll(p, "/", sep), strings.ReplaceAll(s, "/", sep))
	return ok
}
