package cloudtrail

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(flowLogsDeleted) }

var flowLogsDeleted = &detect.Detection{
	ID:        "stealth.ec2_flow_logs_deleted",
	Type:      "Stealth:IAMUser/VPCFlowLogsDeleted",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "VPC flow logs were deleted",
	Description: "A successful DeleteFlowLogs: the network traffic of the VPCs, subnets or interfaces those flow logs " +
		"covered is no longer recorded, which hides what comes next (exfiltration, command and control). One event " +
		"proves it; GuardDuty reports it only as DefenseEvasion:IAMUser/AnomalousBehavior when the caller is unusual. " +
		"The flow log IDs are read from flowLogIdSet or the raw DeleteFlowLogsRequest shape.",
	FalsePositives: "Tearing down a VPC or environment, and infrastructure-as-code replacing a flow log by a new one " +
		"(a CreateFlowLogs follows). Suppress the deployment principal, or check that the VPC still logs.",
	Key:       "caller and flow logs deleted",
	Technique: "T1562.008",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"DeleteFlowLogs"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "ec2.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		var ids []string
		for _, it := range list(get(p, "flowLogIdSet", "items")) {
			ids = append(ids, texts(get(it, "flowLogId"))...)
		}
		ids = append(ids, texts(get(p, "DeleteFlowLogsRequest", "FlowLogId", "content"))...)
		ids = append(ids, texts(get(p, "flowLogId"))...)
		what := "flow logs"
		if len(ids) > 0 {
			what = strings.Join(ids, ", ")
		}
		return &detect.Hit{Actor: what, Description: fmt.Sprintf("VPC flow logs %s were deleted by %s%s.", what, caller(e), from(e))}
	},
}
