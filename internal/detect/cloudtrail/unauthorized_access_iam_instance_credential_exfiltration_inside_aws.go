package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(instanceCredentialExfiltrationInsideAWS) }

var instanceCredentialExfiltrationInsideAWS = &detect.Detection{
	ID:        "unauthorized_access.iam_instance_credential_exfiltration_inside_aws",
	Type:      "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
	Namespace: detect.NamespaceGuardDuty,
	Severity:  vigil.SeverityMedium,
	Title:     "Credentials that were created exclusively for an EC2 instance are being used from another AWS account",
	Description: fmt.Sprintf("A session of an EC2 instance role was used (a) through a VPC endpoint owned by an account outside "+
		"the organization (vpcEndpointAccountId; High, one event proves it), or (b) from a public AWS address (an Amazon ASN "+
		"per the --geoip ASN database) in a network the role had not used before, after its first %d days of learning: "+
		"most likely an instance of another account. (b) needs an ASN database; (a) does not. Findings aggregate per access "+
		"key and remote account or network.", learningDays),
	FalsePositives: "(b) fires when a role's instances get public addresses in new AWS networks (new subnets, Elastic IPs, " +
		"a NAT gateway replaced) after the learning period; the role's networks are then learnt, so it fires once per network. " +
		"Vigil cannot tell which account owns a public AWS address.",
	Key:         "access key and remote account or network",
	Technique:   "T1552.005",
	Source:      detect.SourceCloudTrail,
	NewStateful: newInstanceCreds,
	Model:       instanceCredsModel,
}
