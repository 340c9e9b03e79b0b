package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(rdsSnapshotSharedExternally) }

var rdsSnapshotSharedExternally = &detect.Detection{
	ID:        "exfiltration.rds_snapshot_shared_externally",
	Type:      "Exfiltration:RDS/SnapshotSharedExternally",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityHigh,
	Title:     "An RDS snapshot was shared with an external account",
	Description: "A successful ModifyDBSnapshotAttribute or ModifyDBClusterSnapshotAttribute with attributeName " +
		"\"restore\" adds an account outside the organization, or \"all\" (public), to valuesToAdd: the other account " +
		"can restore the database.",
	FalsePositives: "Sharing with a partner or a migration target account not in the lake; suppress by account.",
	Key:            "snapshot and the accounts it was shared with (\"public\" for all)",
	Technique:      "T1537",
	Source:         detect.SourceCloudTrail,
	Events:         []string{"ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute"},
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		if e.EventSource != "rds.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		if text(get(p, "attributeName")) != "restore" {
			return nil
		}
		ext, public := sharedWith(c, owner(e), texts(get(p, "valuesToAdd")))
		if len(ext) == 0 && !public {
			return nil
		}
		snap := text(get(p, "dBSnapshotIdentifier"))
		if snap == "" {
			snap = text(get(p, "dBClusterSnapshotIdentifier"))
		}
		return &detect.Hit{Resource: "rds-snapshot/" + snap, Actor: shareActor(ext, public),
			Description: fmt.Sprintf("RDS snapshot %s was shared with %s by %s%s.", snap, shareTarget(ext, public), caller(e), from(e))}
	},
}
