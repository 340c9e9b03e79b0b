package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "securityhub_enabled",
		Title:        "Security Hub is enabled in every region",
		Description:  "Security Hub aggregates findings and runs the security standards' controls; it works per region, so every scanned region must be subscribed.",
		Service:      "securityhub",
		Severity:     compliance.High,
		ResourceType: collect.TypeSecurityHub,
		Remediation:  "aws securityhub enable-security-hub --enable-default-standards --region <region>",
		Eval: func(a *compliance.Account) []compliance.Result {
			return monEachRegion(a, collect.TypeSecurityHub, func(region string, items []*inventory.Item) compliance.Result {
				if len(items) == 0 {
					return compliance.AccountResult(region, collect.TypeSecurityHub, compliance.Fail, "Security Hub is not enabled in %s", region)
				}
				it := items[0]
				enabled, known := inventory.Bool(it.Conf(), "enabled")
				if !known {
					// Config's AWS::SecurityHub::Hub exists only when enabled.
					enabled = inventory.Str(it.Conf(), "hubArn") != "" || it.ARN != ""
				}
				if enabled {
					return compliance.PassFor(it, "Security Hub is enabled in %s", region)
				}
				return compliance.FailFor(it, "Security Hub is not enabled in %s", region)
			})
		},
	})
}
