package inventory

import (
	"time"
)

// Deletions returns ResourceDeleted items for the resources of prev (the
// account's previous snapshot) that cur no longer holds, the way Config
// records a deletion. A resource is only declared deleted when cur really
// looked for it: its region was scanned (or it is global), no gap covers
// its type there, and its type is one cur's collectors produce.
func Deletions(prev, cur []*Item, collectedTypes map[string]bool, now time.Time) []*Item {
	type key struct{ region, typ, id string }
	have := map[key]bool{}
	scanned := map[string]bool{GlobalRegion: true}
	gaps := map[[2]string]bool{}
	for _, it := range cur {
		switch it.ResourceType {
		case RegionType:
			if s, ok := Bool(it.Conf(), "scanned"); ok && s {
				scanned[it.ResourceID] = true
			}
		case GapType:
			gaps[[2]string{it.Region, it.ResourceName}] = true
			gaps[[2]string{GlobalRegion, it.ResourceName}] = gaps[[2]string{GlobalRegion, it.ResourceName}] || it.Region == GlobalRegion
		default:
			have[key{it.Region, it.ResourceType, it.ResourceID}] = true
		}
	}
	global := globalTypes()
	var out []*Item
	for _, it := range prev {
		if it.Deleted() || it.ResourceType == RegionType || it.ResourceType == GapType {
			continue
		}
		if have[key{it.Region, it.ResourceType, it.ResourceID}] || !collectedTypes[it.ResourceType] {
			continue
		}
		if !scanned[it.Region] && !global[it.ResourceType] {
			continue
		}
		if gaps[[2]string{it.Region, it.ResourceType}] || gaps[[2]string{GlobalRegion, it.ResourceType}] {
			continue
		}
		out = append(out, &Item{
			Version: ItemVersion, AccountID: it.AccountID, CaptureTime: now, Status: StatusDeleted,
			ResourceType: it.ResourceType, ResourceID: it.ResourceID, ResourceName: it.ResourceName, ARN: it.ARN,
			Region: it.Region, AvailabilityZone: it.AvailabilityZone, StateID: it.StateID,
		})
	}
	return out
}

// globalTypes are the types global collectors emit (S3 buckets keep their
// own region but come from a global collector): such an item counts as
// looked for wherever it was.
func globalTypes() map[string]bool {
	out := map[string]bool{}
	for _, c := range Collectors() {
		if c.Global {
			for _, t := range c.ResourceTypes {
				out[t] = true
			}
		}
	}
	return out
}
