package cloudtrail

import (
	"fmt"
	"regexp"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(acceleratedInstances) }

// acceleratedFamilies are the EC2 instance families with GPUs or other
// accelerators: what crypto-miners and stolen-credential GPU farms launch.
var acceleratedFamilies = regexp.MustCompile(`^(p[2-6]|g[3-6]|gr6|inf[12]|trn[12]|dl[12]|vt1|f[12])[a-z0-9-]*\.`)

var acceleratedInstances = &detect.Detection{
	ID:        "impact.ec2_accelerated_instances_launched",
	Type:      "Impact:EC2/AcceleratedInstancesLaunched",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "GPU or accelerated EC2 instances were launched",
	Description: "A RunInstances call asks for instances of an accelerated family (GPU p2-p6, g3-g6; Inferentia, " +
		"Trainium, Gaudi dl1-dl2, FPGA f1-f2, vt1): the hardware crypto-mining and resource hijacking use. Denied " +
		"attempts count too, at Low, since they show the intent (an attacker probing what the stolen credentials may " +
		"launch); successful launches are Medium. Launches by AWS services on a principal's behalf (Auto Scaling, EKS, " +
		"SageMaker) are AWS's own calls and are not seen.",
	FalsePositives: "Machine-learning teams launching training or inference instances by hand or from their own " +
		"tooling: suppress their principals or accounts.",
	Key:       "caller and instance type",
	Technique: "T1496",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"RunInstances"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "ec2.amazonaws.com" {
			return nil
		}
		p := params(e)
		typ := text(get(p, "instanceType"))
		if !acceleratedFamilies.MatchString(typ) {
			return nil
		}
		count := "some"
		if items := list(get(p, "instancesSet", "items")); len(items) > 0 && text(get(items[0], "maxCount")) != "" {
			count = "up to " + text(get(items[0], "maxCount"))
		}
		h := &detect.Hit{Actor: typ}
		outcome := "were launched"
		if !succeeded(e) {
			h.Severity = vigil.SeverityLow
			outcome = "were requested (denied: " + e.ErrorCode + ")"
		}
		h.Description = fmt.Sprintf("%s %s instances %s by %s%s.", count, typ, outcome, caller(e), from(e))
		return h
	},
}
