package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(snapshotSharedExternally) }

var snapshotSharedExternally = &detect.Detection{
	ID:        "exfiltration.ec2_snapshot_shared_externally",
	Type:      "Exfiltration:EC2/SnapshotSharedExternally",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityHigh,
	Title:     "An EBS snapshot was shared with an external account",
	Description: "A successful ModifySnapshotAttribute adds createVolumePermission for an account outside the " +
		"organization (neither the snapshot's account nor one of the lake's accounts) or for the group \"all\" " +
		"(public). The other account can then create a volume from the snapshot and read the disk: one event is " +
		"proof of exfiltration. GuardDuty reports this only as Exfiltration:IAMUser/AnomalousBehavior.",
	FalsePositives: "Sharing with a partner, vendor or backup account that is not in the lake; add its account ID to " +
		"the organization's accounts or a suppression rule.",
	Key:       "snapshot and the accounts it was shared with (\"public\" for all)",
	Technique: "T1537",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"ModifySnapshotAttribute"},
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		if e.EventSource != "ec2.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		ext, public := sharedWith(c, owner(e), addedPermissions(get(p, "createVolumePermission")))
		if len(ext) == 0 && !public {
			return nil
		}
		snap := text(get(p, "snapshotId"))
		return &detect.Hit{Resource: "snapshot/" + snap, Actor: shareActor(ext, public),
			Description: fmt.Sprintf("EBS snapshot %s was shared with %s by %s%s.", snap, shareTarget(ext, public), caller(e), from(e))}
	},
}
