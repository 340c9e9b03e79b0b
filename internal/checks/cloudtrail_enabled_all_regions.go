package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "cloudtrail_enabled_all_regions",
		Title:        "Every region has a CloudTrail trail that is logging",
		Description:  "Each scanned region must be covered by a trail that is logging: a multi-region trail (from any home region) or a trail of that region. This is what AWS Config's cloudtrail-enabled rule verifies per region.",
		Service:      "cloudtrail",
		Severity:     compliance.High,
		ResourceType: collect.TypeCloudTrailTrail,
		Remediation:  "aws cloudtrail create-trail --name <trail> --s3-bucket-name <bucket> --is-multi-region-trail && aws cloudtrail start-logging --name <trail>",
		Eval: func(a *compliance.Account) []compliance.Result {
			all := ctTrails(a)
			// A multi-region trail is recorded in its home region only: a
			// gap anywhere may hide one that covers every region.
			anyGap := monFirstGap(a, collect.TypeCloudTrailTrail)
			return monEachRegion(a, collect.TypeCloudTrailTrail, func(region string, _ []*inventory.Item) compliance.Result {
				unknown := ""
				for _, t := range all {
					if !t.multiRegion && t.it.Region != region {
						continue
					}
					switch {
					case t.loggingErr != "":
						unknown = t.loggingErr
					case t.logging:
						r := compliance.PassFor(t.it, "trail %s logs %s", t.name, region)
						r.Region = region
						return r
					}
				}
				switch {
				case anyGap != nil:
					return compliance.GapResult(region, collect.TypeCloudTrailTrail, anyGap)
				case unknown != "":
					return compliance.AccountResult(region, collect.TypeCloudTrailTrail, compliance.Error, "%s", unknown)
				}
				return compliance.AccountResult(region, collect.TypeCloudTrailTrail, compliance.Fail, "no logging trail covers %s", region)
			})
		},
	})
}
