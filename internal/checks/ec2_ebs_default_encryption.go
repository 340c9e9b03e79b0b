package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_ebs_default_encryption",
		Title: "EBS default encryption is enabled",
		Description: "CIS 6.1.1 and AWS Config's ec2-ebs-encryption-by-default: with encryption by default on, every new EBS volume " +
			"and snapshot copy in the region is encrypted, whoever creates it. The setting is per region; every scanned region is checked.",
		Service:      "ec2",
		Severity:     compliance.High,
		ResourceType: collect.TypeEBSDefaultEncryption,
		Remediation:  "aws ec2 enable-ebs-encryption-by-default --region <region> (optionally aws ec2 modify-ebs-default-kms-key-id)",
		Eval: func(a *compliance.Account) []compliance.Result {
			const typ = collect.TypeEBSDefaultEncryption
			var out []compliance.Result
			for _, region := range a.Regions() {
				if gap := a.Gap(region, typ); gap != nil {
					out = append(out, compliance.GapResult(region, typ, gap))
					continue
				}
				items := a.ItemsIn(region, typ)
				if len(items) == 0 {
					out = append(out, compliance.AccountResult(region, typ, compliance.Error, "not collected: the EBS encryption-by-default setting of %s is not in the snapshot", region))
					continue
				}
				switch on, known := inventory.Bool(items[0].Conf(), "ebsEncryptionByDefault"); {
				case !known:
					out = append(out, compliance.ErrorFor(items[0], "the EBS encryption-by-default setting of %s was not recorded", region))
				case on:
					out = append(out, compliance.PassFor(items[0], "EBS encryption by default is enabled in %s", region))
				default:
					out = append(out, compliance.FailFor(items[0], "EBS encryption by default is disabled in %s", region))
				}
			}
			if len(out) == 0 {
				out = append(out, compliance.AccountResult("", typ, compliance.NotApplicable, "no regions were scanned"))
			}
			return out
		},
	})
}
