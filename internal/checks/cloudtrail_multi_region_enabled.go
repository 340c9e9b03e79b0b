package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "cloudtrail_multi_region_enabled",
		Title:        "A multi-region CloudTrail trail is logging read and write management events",
		Description:  "At least one trail must cover every region, be logging, and record management events for both read and write API calls, so that activity in regions nobody watches is still recorded.",
		Service:      "cloudtrail",
		Severity:     compliance.High,
		ResourceType: collect.TypeCloudTrailTrail,
		Remediation:  "aws cloudtrail create-trail --name <trail> --s3-bucket-name <bucket> --is-multi-region-trail && aws cloudtrail start-logging --name <trail> (default event selectors record all management events)",
		Eval: func(a *compliance.Account) []compliance.Result {
			var problems []string
			unknown := ""
			for _, t := range ctTrails(a) {
				p, missing := ctProblem(t, true)
				if p == "" {
					return []compliance.Result{compliance.PassFor(t.it, "trail %s is multi-region, logging, and records read and write management events", t.name)}
				}
				if missing && unknown == "" {
					unknown = p
				}
				problems = append(problems, p)
			}
			if g := monFirstGap(a, collect.TypeCloudTrailTrail); g != nil {
				return []compliance.Result{compliance.GapResult(g.Region, collect.TypeCloudTrailTrail, g)}
			}
			if unknown != "" {
				return []compliance.Result{compliance.AccountResult("", collect.TypeCloudTrailTrail, compliance.Error, "%s", unknown)}
			}
			if len(problems) == 0 {
				return []compliance.Result{compliance.AccountResult("", collect.TypeCloudTrailTrail, compliance.Fail, "the account has no CloudTrail trail")}
			}
			return []compliance.Result{compliance.AccountResult("", collect.TypeCloudTrailTrail, compliance.Fail,
				"no multi-region trail is logging read and write management events: %s", strings.Join(problems, "; "))}
		},
	})
}
