package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "config_recorder_all_regions_enabled",
		Title:        "AWS Config records all resource types in every region",
		Description:  "Every scanned region needs a configuration recorder that is recording all supported resource types and whose last recording did not fail; at least one of them must also record global resources (IAM). One result per region, and one for global resources.",
		Service:      "config",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeConfigRecorder,
		Remediation:  "aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=<role> --recording-group allSupported=true,includeGlobalResourceTypes=true (global in one region only), then put-delivery-channel and start-configuration-recorder",
		Eval: func(a *compliance.Account) []compliance.Result {
			var global *inventory.Item
			out := monEachRegion(a, collect.TypeConfigRecorder, func(region string, items []*inventory.Item) compliance.Result {
				var best compliance.Result
				for i, it := range items {
					r := configRecorderResult(it, region)
					if r.Status == compliance.Pass {
						if on, _ := inventory.Bool(it.Conf(), "recordingGroup", "includeGlobalResourceTypes"); on && global == nil {
							global = it
						}
						return r
					}
					if i == 0 || r.Status == compliance.Error {
						best = r
					}
				}
				if len(items) == 0 {
					return compliance.AccountResult(region, collect.TypeConfigRecorder, compliance.Fail, "AWS Config has no configuration recorder in %s", region)
				}
				return best
			})
			switch {
			case global != nil:
				r := compliance.PassFor(global, "recorder %s in %s records global resource types", global.ResourceID, global.Region)
				r.Region = "" // an account-wide statement, like the FAIL
				out = append(out, r)
			case monFirstGap(a, collect.TypeConfigRecorder) != nil:
				g := monFirstGap(a, collect.TypeConfigRecorder)
				out = append(out, compliance.AccountResult("", collect.TypeConfigRecorder, compliance.Error, "global resource recording unknown: %s", g.Reason()))
			default:
				out = append(out, compliance.AccountResult("", collect.TypeConfigRecorder, compliance.Fail, "no recording configuration recorder records global resource types (IAM)"))
			}
			return out
		},
	})
}

// configRecorderResult judges one recorder in region.
func configRecorderResult(it *inventory.Item, region string) compliance.Result {
	c := it.Conf()
	name := it.ResourceID
	recording, known := inventory.Bool(c, "recording")
	if !known {
		why := monItemError(it, "DescribeConfigurationRecorderStatus")
		if why == "" {
			why = "recording status not recorded"
		}
		return compliance.ErrorFor(it, "recorder %s in %s: %s", name, region, why)
	}
	all, _ := inventory.Bool(c, "recordingGroup", "allSupported")
	strategy := inventory.Str(c, "recordingGroup", "recordingStrategy", "useOnly")
	switch {
	case !recording:
		return compliance.FailFor(it, "recorder %s in %s is not recording", name, region)
	case !all && !strings.EqualFold(strategy, "ALL_SUPPORTED_RESOURCE_TYPES"):
		return compliance.FailFor(it, "recorder %s in %s records only selected resource types", name, region)
	case strings.EqualFold(inventory.Str(c, "lastStatus"), "FAILURE"):
		return compliance.FailFor(it, "recorder %s in %s is recording but its last recording failed (%s)", name, region, inventory.Str(c, "lastErrorCode"))
	}
	return compliance.PassFor(it, "recorder %s records all supported resource types in %s", name, region)
}
