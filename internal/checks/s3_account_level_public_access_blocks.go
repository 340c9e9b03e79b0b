package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "s3_account_level_public_access_blocks",
		Title: "S3 account-level Block Public Access has all four settings enabled",
		Description: "Block Public Access at account level overrides every bucket's ACLs and policies: with BlockPublicAcls, " +
			"IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets on, no bucket of the account can be made public by mistake.",
		Service:      "s3",
		Severity:     compliance.High,
		ResourceType: s3TypeAccountBlock,
		Remediation: "aws s3control put-public-access-block --account-id <account> --public-access-block-configuration " +
			"BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		Eval: func(a *compliance.Account) []compliance.Result {
			if gap := a.Gap("", s3TypeAccountBlock); gap != nil {
				return []compliance.Result{compliance.GapResult(inventory.GlobalRegion, s3TypeAccountBlock, gap)}
			}
			items := a.Items(s3TypeAccountBlock)
			if len(items) == 0 {
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, s3TypeAccountBlock, compliance.Error,
					"not collected: the account-level public access block is not in the snapshot")}
			}
			var out []compliance.Result
			for _, it := range items {
				var off []string
				for i, on := range s3BlockOf(it.Conf()).values() {
					if !on {
						off = append(off, s3BlockNames[i])
					}
				}
				if len(off) > 0 {
					out = append(out, compliance.FailFor(it, "account-level Block Public Access has %s off", strings.Join(off, ", ")))
				} else {
					out = append(out, compliance.PassFor(it, "account-level Block Public Access has all four settings on"))
				}
			}
			return out
		},
	})
}
