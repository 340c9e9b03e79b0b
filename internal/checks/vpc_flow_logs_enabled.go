package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "vpc_flow_logs_enabled",
		Title: "VPC flow logs are enabled",
		Description: "CIS 4.7 and AWS Config's vpc-flow-logs-enabled: a flow log on the VPC itself records the traffic of every " +
			"network interface in it, which investigations of exfiltration or scanning need. Flow logs on single subnets or " +
			"interfaces do not count.",
		Service:      "vpc",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeEC2VPC,
		Remediation:  "aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc> --traffic-type ALL --log-destination-type s3 --log-destination arn:aws:s3:::<bucket>",
		Eval: func(a *compliance.Account) []compliance.Result {
			logs := map[[2]string][]string{}
			for _, fl := range a.Items(collect.TypeEC2FlowLog) {
				status := inventory.Str(fl.Conf(), "flowLogStatus")
				if status == "" || status == "ACTIVE" {
					k := [2]string{fl.Region, inventory.Str(fl.Conf(), "resourceId")}
					logs[k] = append(logs[k], fl.ResourceID+" ("+inventory.Str(fl.Conf(), "trafficType")+")")
				}
			}
			return ec2Each(a, collect.TypeEC2VPC, "VPCs", func(vpc *inventory.Item) (compliance.Result, bool) {
				if l := logs[[2]string{vpc.Region, vpc.ResourceID}]; len(l) > 0 {
					return compliance.PassFor(vpc, "VPC %s has flow log %s", vpc.ResourceID, l[0]), true
				}
				if gap := a.Gap(vpc.Region, collect.TypeEC2FlowLog); gap != nil {
					return compliance.ErrorFor(vpc, "cannot list the flow logs of VPC %s: %s", vpc.ResourceID, gap.Reason()), true
				}
				return compliance.FailFor(vpc, "VPC %s has no active flow log", vpc.ResourceID), true
			})
		},
	})
}
