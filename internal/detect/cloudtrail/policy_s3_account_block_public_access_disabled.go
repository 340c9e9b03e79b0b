package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(accountBlockPublicAccessDisabled) }

var accountBlockPublicAccessDisabled = &detect.Detection{
	ID:        "policy.s3_account_block_public_access_disabled",
	Type:      "Policy:S3/AccountBlockPublicAccessDisabled",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityLow,
	Title:     "S3 Block Public Access was disabled for the account",
	Description: "A successful DeleteAccountPublicAccessBlock, or PutAccountPublicAccessBlock leaving any of the four " +
		"settings (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets) off: buckets of the " +
		"account can then be made public.",
	FalsePositives: "Accounts that host public websites or data sets by design; suppress by account.",
	Key:            "the account's Block Public Access setting",
	Technique:      "T1562",
	Source:         detect.SourceCloudTrail,
	Events:         []string{"PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if !succeeded(e) {
			return nil
		}
		what := "removed"
		if e.EventName == "PutAccountPublicAccessBlock" {
			off := blockPublicAccessOff(params(e))
			if len(off) == 0 {
				return nil
			}
			what = "weakened (" + joinSettings(off) + " off)"
		}
		return &detect.Hit{Resource: "account-public-access-block",
			Description: fmt.Sprintf("S3 Block Public Access for account %s was %s by %s%s.", owner(e), what, caller(e), from(e))}
	},
}
