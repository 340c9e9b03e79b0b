package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(kmsKeyDeletion) }

var kmsKeyDeletion = &detect.Detection{
	ID:        "impact.kms_key_deletion_scheduled",
	Type:      "Impact:KMS/KeyDeletionScheduled",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "A KMS key was scheduled for deletion",
	Description: "A successful ScheduleKeyDeletion: after the waiting period (7 to 30 days) the key is gone and " +
		"everything encrypted with it (EBS volumes, S3 objects, RDS snapshots, secrets) is unreadable for good, a " +
		"ransom and destruction technique. High when the waiting period is the minimum, 7 days.",
	FalsePositives: "Cleaning up unused keys. Cancel with CancelKeyDeletion while the waiting period runs if in doubt.",
	Key:            "key",
	Technique:      "T1485",
	Source:         detect.SourceCloudTrail,
	Events:         []string{"ScheduleKeyDeletion"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "kms.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		key := text(get(p, "keyId"))
		days := text(get(p, "pendingWindowInDays"))
		h := &detect.Hit{Resource: "key/" + key}
		if days == "" {
			days = "30" // KMS's default
		}
		if days == "7" {
			h.Severity = vigil.SeverityHigh
		}
		h.Description = fmt.Sprintf("KMS key %s was scheduled for deletion in %s days by %s%s.", key, days, caller(e), from(e))
		return h
	},
}
