package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(amiSharedExternally) }

var amiSharedExternally = &detect.Detection{
	ID:        "exfiltration.ec2_ami_shared_externally",
	Type:      "Exfiltration:EC2/AMISharedExternally",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityHigh,
	Title:     "An AMI was shared with an external account",
	Description: "A successful ModifyImageAttribute adds launchPermission for an account outside the organization or " +
		"for the group \"all\" (public). The other account can launch the image and read its disks. Sharing with an " +
		"organization or organizational unit ARN is not reported.",
	FalsePositives: "Publishing a product AMI, or sharing with a partner account not in the lake; suppress by account " +
		"or add the partner to the organization's accounts.",
	Key:       "image and the accounts it was shared with (\"public\" for all)",
	Technique: "T1537",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"ModifyImageAttribute"},
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		if e.EventSource != "ec2.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		ext, public := sharedWith(c, owner(e), addedPermissions(get(p, "launchPermission")))
		if len(ext) == 0 && !public {
			return nil
		}
		image := text(get(p, "imageId"))
		return &detect.Hit{Resource: "image/" + image, Actor: shareActor(ext, public),
			Description: fmt.Sprintf("AMI %s was shared with %s by %s%s.", image, shareTarget(ext, public), caller(e), from(e))}
	},
}
