package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "guardduty_is_enabled",
		Title:        "GuardDuty detector is enabled and not suspended in every region",
		Description:  "GuardDuty analyses CloudTrail, VPC flow logs and DNS logs for threats; it works per region, so every scanned region needs an enabled detector.",
		Service:      "guardduty",
		Severity:     compliance.High,
		ResourceType: collect.TypeGuardDutyDetector,
		Remediation:  "aws guardduty create-detector --enable --region <region> (or aws guardduty update-detector --detector-id <id> --enable for a suspended one)",
		Eval: func(a *compliance.Account) []compliance.Result {
			return monEachRegion(a, collect.TypeGuardDutyDetector, func(region string, items []*inventory.Item) compliance.Result {
				if len(items) == 0 {
					return compliance.AccountResult(region, collect.TypeGuardDutyDetector, compliance.Fail, "GuardDuty is not enabled in %s (no detector)", region)
				}
				var unknown, suspended *compliance.Result
				for _, it := range items {
					status := inventory.Str(it.Conf(), "status")
					if on, ok := inventory.Bool(it.Conf(), "enable"); ok && status == "" {
						// Config's (CloudFormation's) shape: "Enable": true|false.
						status = map[bool]string{true: "ENABLED", false: "DISABLED"}[on]
					}
					switch {
					case strings.EqualFold(status, "ENABLED"):
						return compliance.PassFor(it, "GuardDuty detector %s is enabled in %s", it.ResourceID, region)
					case status == "":
						why := monItemError(it, "GetDetector")
						if why == "" {
							why = "status not recorded"
						}
						r := compliance.ErrorFor(it, "GuardDuty detector %s: %s", it.ResourceID, why)
						unknown = &r
					default:
						r := compliance.FailFor(it, "GuardDuty detector %s is %s (suspended) in %s", it.ResourceID, status, region)
						suspended = &r
					}
				}
				if unknown != nil {
					return *unknown
				}
				return *suspended
			})
		},
	})
}
