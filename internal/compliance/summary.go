package compliance

import (
	"sort"
)

// Cell counts one account × region's results by status (muted results
// counted apart).
type Cell struct {
	Account, Region string
	Counts          map[Status]int
	Muted           int
}

// Score is passed / (passed + failed), in percent; -1 when nothing was
// decided. Muted, not-applicable, manual and error results do not count.
func (c Cell) Score() float64 {
	p, f := c.Counts[Pass], c.Counts[Fail]
	if p+f == 0 {
		return -1
	}
	return 100 * float64(p) / float64(p+f)
}

// Matrix aggregates results per account × region (and per account, with
// region "*"), the view Config's aggregator gives.
func Matrix(rs []Result) []Cell {
	idx := map[[2]string]*Cell{}
	get := func(a, r string) *Cell {
		k := [2]string{a, r}
		c := idx[k]
		if c == nil {
			c = &Cell{Account: a, Region: r, Counts: map[Status]int{}}
			idx[k] = c
		}
		return c
	}
	for _, r := range rs {
		for _, c := range []*Cell{get(r.Account, r.Region), get(r.Account, "*")} {
			if r.Muted {
				c.Muted++
				continue
			}
			c.Counts[r.Status]++
		}
	}
	out := make([]Cell, 0, len(idx))
	for _, c := range idx {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Account != out[j].Account {
			return out[i].Account < out[j].Account
		}
		if (out[i].Region == "*") != (out[j].Region == "*") {
			return out[i].Region == "*"
		}
		return out[i].Region < out[j].Region
	})
	return out
}

// Failing is one check failing somewhere.
type Failing struct {
	CheckID   string
	Severity  Severity
	Resources int
	Accounts  []string
	Controls  map[string][]string
}

// FailingChecks lists the checks with unmuted FAIL results, worst first.
func FailingChecks(rs []Result) []Failing {
	idx := map[string]*Failing{}
	accts := map[string]map[string]bool{}
	for _, r := range rs {
		if r.Status != Fail || r.Muted {
			continue
		}
		f := idx[r.CheckID]
		if f == nil {
			f = &Failing{CheckID: r.CheckID, Severity: r.Severity, Controls: r.Frameworks}
			idx[r.CheckID] = f
			accts[r.CheckID] = map[string]bool{}
		}
		f.Resources++
		if !accts[r.CheckID][r.Account] {
			accts[r.CheckID][r.Account] = true
			f.Accounts = append(f.Accounts, r.Account)
		}
	}
	out := make([]Failing, 0, len(idx))
	for _, f := range idx {
		sort.Strings(f.Accounts)
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Severity.Rank() != out[j].Severity.Rank() {
			return out[i].Severity.Rank() > out[j].Severity.Rank()
		}
		if out[i].Resources != out[j].Resources {
			return out[i].Resources > out[j].Resources
		}
		return out[i].CheckID < out[j].CheckID
	})
	return out
}

// NewlyFailing returns the unmuted FAIL results of cur that were not
// failing in prev, for the accounts prev evaluated (an account seen for the
// first time has nothing "new").
func NewlyFailing(prev, cur []Result) []Result {
	type key struct{ account, region, check, resource string }
	seen := map[string]bool{}
	failed := map[key]bool{}
	for _, r := range prev {
		seen[r.Account] = true
		if r.Status == Fail {
			failed[key{r.Account, r.Region, r.CheckID, r.ResourceID}] = true
		}
	}
	var out []Result
	for _, r := range cur {
		if r.Status == Fail && !r.Muted && seen[r.Account] && !failed[key{r.Account, r.Region, r.CheckID, r.ResourceID}] {
			out = append(out, r)
		}
	}
	return out
}
