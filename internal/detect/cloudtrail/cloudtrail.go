// Package cloudtrail holds the detections over CloudTrail events, one file
// each, named after the detection's ID with '.' as '_'
// (policy_iam_root_credential_usage.go is policy.iam_root_credential_usage;
// the tactic stays in the name because GuardDuty pairs types such as
// Recon: and UnauthorizedAccess:IAMUser/TorIPCaller). Each file registers
// its detection in init; All returns them. Files whose name is not an ID
// (params.go, policy.go, s3exposure.go, ...) hold what several detections
// share. Test fixtures are in testdata/<id>/.
package cloudtrail

import (
	"slices"

	"github.com/vigil-sec/vigil/internal/detect"
)

var all []*detect.Detection

func register(d *detect.Detection) { all = append(all, d) }

// All returns the package's detections.
func All() []*detect.Detection { return slices.Clone(all) }
