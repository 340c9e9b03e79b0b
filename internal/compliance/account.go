package compliance

import (
	"sort"
	"strings"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// Account is one account's newest snapshot, as checks see it.
type Account struct {
	ID string
	// GlobalRegion is where global resources were collected.
	GlobalRegion string

	byType  map[string][]*inventory.Item
	gaps    []*inventory.Item
	regions []*inventory.Item
}

// NewAccount indexes items (of one account) for checks.
func NewAccount(id string, items []*inventory.Item) *Account {
	a := &Account{ID: id, GlobalRegion: inventory.DefaultGlobalRegion, byType: map[string][]*inventory.Item{}}
	for _, it := range items {
		if it.Deleted() {
			continue
		}
		switch it.ResourceType {
		case inventory.GapType:
			a.gaps = append(a.gaps, it)
		case inventory.RegionType:
			a.regions = append(a.regions, it)
		default:
			a.byType[it.ResourceType] = append(a.byType[it.ResourceType], it)
		}
	}
	return a
}

// Items returns the account's items of resourceType in every region.
func (a *Account) Items(resourceType string) []*inventory.Item { return a.byType[resourceType] }

// ItemsIn returns the items of resourceType in region.
func (a *Account) ItemsIn(region, resourceType string) []*inventory.Item {
	var out []*inventory.Item
	for _, it := range a.byType[resourceType] {
		if it.Region == region {
			out = append(out, it)
		}
	}
	return out
}

// One returns the single item of resourceType (account settings such as
// the password policy), or nil.
func (a *Account) One(resourceType string) *inventory.Item {
	if l := a.byType[resourceType]; len(l) > 0 {
		return l[0]
	}
	return nil
}

// Regions returns the regions that were scanned. When the snapshot holds
// no region list (Config's own files), it is the regions items came from.
func (a *Account) Regions() []string {
	var out []string
	if len(a.regions) > 0 {
		for _, r := range a.regions {
			if scanned, ok := inventory.Bool(r.Conf(), "scanned"); !ok || scanned {
				out = append(out, r.ResourceID)
			}
		}
		sort.Strings(out)
		return out
	}
	seen := map[string]bool{}
	for _, l := range a.byType {
		for _, it := range l {
			if it.Region != inventory.GlobalRegion && it.Region != "" && !seen[it.Region] {
				seen[it.Region] = true
				out = append(out, it.Region)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Gap returns the collection error that makes resourceType incomplete in
// region (any region when region is ""; global resources are recorded
// under "global"), or nil when the type was fully collected.
func (a *Account) Gap(region, resourceType string) *inventory.CallError {
	for _, g := range a.gaps {
		if g.ResourceName != resourceType || len(g.Errors) == 0 {
			continue
		}
		if region == "" || g.Region == region || g.Region == inventory.GlobalRegion || g.Errors[0].Region == region {
			e := g.Errors[0]
			return &e
		}
	}
	return nil
}

// GapResult is the ERROR result for a type that could not be collected.
func GapResult(region, resourceType string, gap *inventory.CallError) Result {
	return AccountResult(region, resourceType, Error, "%s", gap.Reason())
}

// ItemGap returns the first error recorded on it for a call whose IAM
// action contains action (e.g. "GetBucketPolicy"), or nil.
func ItemGap(it *inventory.Item, action string) *inventory.CallError {
	for i := range it.Errors {
		if strings.Contains(it.Errors[i].Permission, action) {
			return &it.Errors[i]
		}
	}
	return nil
}
