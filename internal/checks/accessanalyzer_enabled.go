package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "accessanalyzer_enabled",
		Title:        "IAM Access Analyzer (external access) is enabled in every region",
		Description:  "An active external-access analyzer (type ACCOUNT or ORGANIZATION) reports resources shared outside the zone of trust; analyzers are regional, so every scanned region needs one.",
		Service:      "accessanalyzer",
		Severity:     compliance.Low,
		ResourceType: collect.TypeAccessAnalyzer,
		Remediation:  "aws accessanalyzer create-analyzer --analyzer-name external-access --type ACCOUNT --region <region>",
		Eval: func(a *compliance.Account) []compliance.Result {
			return monEachRegion(a, collect.TypeAccessAnalyzer, func(region string, items []*inventory.Item) compliance.Result {
				var inactive, unknown *inventory.Item
				for _, it := range items {
					typ, status := inventory.Str(it.Conf(), "type"), inventory.Str(it.Conf(), "status")
					if typ != "" && !strings.EqualFold(typ, "ACCOUNT") && !strings.EqualFold(typ, "ORGANIZATION") {
						continue // unused or internal access analyzers
					}
					switch {
					case strings.EqualFold(status, "ACTIVE"):
						return compliance.PassFor(it, "external access analyzer %s is active in %s", analyzerName(it), region)
					case status == "":
						unknown = it
					default:
						inactive = it
					}
				}
				switch {
				case inactive != nil:
					return compliance.FailFor(inactive, "external access analyzer %s is %s in %s, not ACTIVE",
						analyzerName(inactive), inventory.Str(inactive.Conf(), "status"), region)
				case unknown != nil:
					// Config's (CloudFormation's) shape has no status.
					return compliance.ErrorFor(unknown, "external access analyzer %s exists in %s but its status is not recorded", analyzerName(unknown), region)
				}
				return compliance.AccountResult(region, collect.TypeAccessAnalyzer, compliance.Fail, "no external access analyzer in %s", region)
			})
		},
	})
}

// analyzerName reads an analyzer's name in Vigil's or Config's spelling.
func analyzerName(it *inventory.Item) string {
	if n := inventory.Str(it.Conf(), "name"); n != "" {
		return n
	}
	if n := inventory.Str(it.Conf(), "analyzerName"); n != "" {
		return n
	}
	return it.ResourceName
}
