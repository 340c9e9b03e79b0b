package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/compliance"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "macie_is_enabled",
		Title: "Amazon Macie is enabled",
		Description: "CIS asks that data in S3 be discovered, classified and secured; Amazon Macie does that by scanning buckets " +
			"for sensitive data. Vigil does not collect Macie's status (macie2:GetMacieSession), so this control is manual.",
		Service:      "macie",
		Severity:     compliance.Medium,
		ResourceType: "AWS::Macie::Session",
		Remediation:  "aws macie2 enable-macie in every region that holds S3 data (or from the organization's Macie administrator account), then configure sensitive data discovery jobs or automated discovery",
		Eval: func(a *compliance.Account) []compliance.Result {
			where := "each region that holds S3 data"
			if rs := a.Regions(); len(rs) > 0 {
				where = "each region (" + strings.Join(rs, ", ") + ")"
			}
			return []compliance.Result{compliance.AccountResult("", "AWS::Macie::Session", compliance.Manual,
				"Macie's status is not collected: run `aws macie2 get-macie-session` in %s and check that status is ENABLED, "+
					"or show another way S3 data is discovered and classified", where)}
		},
	})
}
