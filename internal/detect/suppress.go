package detect

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/vigil-sec/vigil/internal/geo"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// Suppression is a suppression rule, as GuardDuty's: findings it matches
// are archived automatically when created or updated (they are still
// kept and counted). A finding matches when every criterion given
// matches; within a criterion, any value may match.
type Suppression struct {
	// Name says why, e.g. "CI runners use Kali images".
	Name string `yaml:"name" json:"name"`
	// Types are finding types; '*' matches any text ("Recon:*").
	Types []string `yaml:"types,omitempty" json:"types,omitempty"`
	// Accounts are account IDs.
	Accounts []string `yaml:"accounts,omitempty" json:"accounts,omitempty"`
	// Principals are principal ARNs; '*' matches any text
	// ("arn:aws:sts::*:assumed-role/ci-*").
	Principals []string `yaml:"principals,omitempty" json:"principals,omitempty"`
	// IPs are remote addresses or CIDR blocks.
	IPs []string `yaml:"ips,omitempty" json:"ips,omitempty"`
}

// compiledSuppression is a validated rule.
type compiledSuppression struct {
	Suppression
	ips *geo.List
}

// Validate reports what is wrong with the rule.
func (s *Suppression) Validate() error {
	_, err := s.compile()
	return err
}

func (s *Suppression) compile() (*compiledSuppression, error) {
	var errs []error
	if strings.TrimSpace(s.Name) == "" {
		errs = append(errs, errors.New("suppression rule without a name"))
	}
	if len(s.Types)+len(s.Accounts)+len(s.Principals)+len(s.IPs) == 0 {
		errs = append(errs, fmt.Errorf("suppression rule %q: no criteria (it would archive every finding)", s.Name))
	}
	c := &compiledSuppression{Suppression: *s}
	if len(s.IPs) > 0 {
		l, err := geo.NewList("suppression "+s.Name, s.IPs...)
		if err != nil {
			errs = append(errs, fmt.Errorf("suppression rule %q: ips: %w", s.Name, err))
		}
		c.ips = l
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *compiledSuppression) matches(f *vigil.Finding) bool {
	if len(c.Types) > 0 && !anyGlob(c.Types, f.Type) {
		return false
	}
	if len(c.Accounts) > 0 && !anyGlob(c.Accounts, f.AccountID) {
		return false
	}
	if len(c.Principals) > 0 && !anyGlob(c.Principals, f.Evidence.Principal) {
		return false
	}
	if c.ips != nil {
		a, err := netip.ParseAddr(f.SourceIP())
		if err != nil || !c.ips.Contains(a) {
			return false
		}
	}
	return true
}

func anyGlob(patterns []string, s string) bool {
	for _, p := range patterns {
		if Wildcard(p, s) {
			return true
		}
	}
	return false
}

// Wildcard matches s against pattern, where '*' matches any text
// (including '/' and ':', unlike path.Match): "Recon:*", "arn:aws:iam::*:user/ci-*".
func Wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return len(s) >= len(last) && strings.HasSuffix(s, last)
}
