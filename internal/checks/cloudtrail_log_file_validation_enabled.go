package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:           "cloudtrail_log_file_validation_enabled",
		Title:        "CloudTrail trail has log file validation enabled",
		Description:  "Log file validation writes signed digest files, so tampering with or deleting delivered CloudTrail logs can be detected.",
		Service:      "cloudtrail",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeCloudTrailTrail,
		Remediation:  "aws cloudtrail update-trail --name <trail> --enable-log-file-validation",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ctEachTrail(a, func(t ctTrail) compliance.Result {
				if on, _ := inventory.Bool(t.it.Conf(), "logFileValidationEnabled"); on {
					return compliance.PassFor(t.it, "trail %s validates its log files", t.name)
				}
				return compliance.FailFor(t.it, "trail %s does not validate its log files", t.name)
			})
		},
	})
}
