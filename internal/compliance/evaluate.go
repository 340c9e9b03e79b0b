package compliance

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Options narrow an evaluation.
type Options struct {
	// Checks limits the checks by id (default: all).
	Checks []string
	// Frameworks limits the checks to those mapped to one of these
	// frameworks (default: all).
	Frameworks []string
	// Now is the evaluation time (default time.Now).
	Now time.Time
	// Mutelist marks matching results as muted.
	Mutelist *Mutelist
	// SnapshotID is recorded on each result.
	SnapshotID string
}

// Select returns the checks o selects, or an error naming an unknown id or
// framework.
func Select(o Options) ([]*Check, error) {
	all := Checks()
	var out []*Check
	for _, id := range o.Checks {
		c, ok := Lookup(id)
		if !ok {
			return nil, fmt.Errorf("unknown check %q (see `vigil compliance --list-checks`)", id)
		}
		out = append(out, c)
	}
	if len(o.Checks) == 0 {
		out = all
	}
	if len(o.Frameworks) > 0 {
		known := Frameworks()
		for _, f := range o.Frameworks {
			if !slices.Contains(known, f) {
				return nil, fmt.Errorf("unknown framework %q (have %s)", f, strings.Join(known, ", "))
			}
		}
		out = slices.DeleteFunc(out, func(c *Check) bool {
			for _, f := range o.Frameworks {
				if len(c.Frameworks[f]) > 0 {
					return false
				}
			}
			return true
		})
	}
	return out, nil
}

// Evaluate runs the selected checks over one account. A check that panics
// yields one ERROR result naming the crash; the others still run.
func Evaluate(a *Account, o Options) ([]Result, error) {
	cs, err := Select(o)
	if err != nil {
		return nil, err
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Millisecond)
	var out []Result
	for _, c := range cs {
		for _, r := range runCheck(c, a) {
			r.Account = a.ID
			r.CheckID = c.ID
			if r.ResourceType == "" {
				r.ResourceType = c.ResourceType
			}
			if r.ResourceID == "" {
				r.ResourceID = a.ID
			}
			if r.Region == "" {
				r.Region = "global"
			}
			if r.Severity == "" {
				r.Severity = c.Severity
			}
			r.Frameworks = c.Frameworks
			r.EvaluatedAt = now
			r.SnapshotID = o.SnapshotID
			if o.Mutelist != nil {
				r.Muted, r.MuteReason = o.Mutelist.Match(r)
			}
			out = append(out, r)
		}
	}
	SortResults(out)
	return out, nil
}

func runCheck(c *Check, a *Account) (rs []Result) {
	defer func() {
		if p := recover(); p != nil {
			rs = []Result{AccountResult("", c.ResourceType, Error, "check crashed: %v", p)}
		}
	}()
	return c.Eval(a)
}

// SortResults orders results by account, region, check, resource.
func SortResults(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		switch {
		case a.Account != b.Account:
			return a.Account < b.Account
		case a.Region != b.Region:
			return a.Region < b.Region
		case a.CheckID != b.CheckID:
			return a.CheckID < b.CheckID
		}
		return a.ResourceID < b.ResourceID
	})
}
