package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(instanceCredentialExfiltrationOutsideAWS) }

var instanceCredentialExfiltrationOutsideAWS = &detect.Detection{
	ID:        "unauthorized_access.iam_instance_credential_exfiltration_outside_aws",
	Type:      "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityHigh,
	Title:     "Credentials that were created exclusively for an EC2 instance are being used from an external IP address",
	Description: fmt.Sprintf("A session of an EC2 instance role (session name an instance id, or ec2RoleDelivery set) called "+
		"an API from a network (/24, /48) that the role had not used before, after the role's first %d days (which only "+
		"learn its networks: NAT gateways, proxies, Direct Connect), and that is not AWS address space. Vigil has no copy of "+
		"AWS's ip-ranges.json: an address counts as AWS when it is private or when a --geoip ASN database (GeoLite2-ASN) "+
		"places it in an Amazon autonomous system; without one, every new non-private network after learning fires. "+
		"Findings aggregate per access key and network.", learningDays),
	FalsePositives: "A role whose instances move to new NAT addresses outside AWS's ASNs (a self-managed proxy elsewhere), " +
		"or a role first used less than a learning period before its first new network. Put such egress addresses on a trusted list.",
	Key:         "access key and remote network",
	Technique:   "T1552.005",
	Source:      detect.SourceCloudTrail,
	NewStateful: newInstanceCreds,
	Model:       instanceCredsModel,
}
