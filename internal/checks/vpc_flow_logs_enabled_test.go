package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestVPCFlowLogsEnabled(t *testing.T) {
	const (
		vpc = collect.TypeEC2VPC
		fl  = collect.TypeEC2FlowLog
	)
	v1 := item(vpc, "us-east-2", "vpc-1", `{"vpcId":"vpc-1","isDefault":false}`)
	v2 := item(vpc, "us-east-2", "vpc-2", `{"vpcId":"vpc-2","isDefault":true}`)
	// Config's sample: epoch-millisecond creationTime, resourceId of the VPC.
	onV1 := item(fl, "us-east-2", "fl-1", `{"creationTime":1645467320361,"flowLogId":"fl-1","flowLogStatus":"ACTIVE","resourceId":"vpc-1","trafficType":"ALL","logDestinationType":"cloud-watch-logs"}`)
	sameIDOtherRegion := item(fl, "eu-west-1", "fl-2", `{"flowLogId":"fl-2","flowLogStatus":"ACTIVE","resourceId":"vpc-2","trafficType":"REJECT"}`)
	subnetLog := item(fl, "us-east-2", "fl-3", `{"flowLogId":"fl-3","resourceId":"subnet-1","trafficType":"ALL"}`)
	runCases(t, "vpc_flow_logs_enabled", []checkCase{
		{"logged and unlogged VPCs", []*inventory.Item{v1, v2, onV1, sameIDOtherRegion, subnetLog},
			[]want{{compliance.Pass, "vpc-1", "fl-1 (ALL)"}, {compliance.Fail, "vpc-2", "no active flow log"}}},
		{"API spelling", []*inventory.Item{v1, item(fl, "us-east-2", "fl-4", `{"FlowLogId":"fl-4","FlowLogStatus":"ACTIVE","ResourceId":"vpc-1","TrafficType":"ACCEPT"}`)},
			[]want{{compliance.Pass, "vpc-1", "fl-4 (ACCEPT)"}}},
		{"flow logs denied is an error per VPC", []*inventory.Item{v1, gap(fl, "us-east-2", "ec2:DescribeFlowLogs", "UnauthorizedOperation")},
			[]want{{compliance.Error, "vpc-1", "missing permission ec2:DescribeFlowLogs"}}},
		{"VPCs denied is an error", []*inventory.Item{onV1, gap(vpc, "us-east-2", "ec2:DescribeVpcs", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeVpcs"}}},
		{"no VPCs", regions("us-east-2"), []want{{compliance.NotApplicable, "", "no VPCs"}}},
	})
}
