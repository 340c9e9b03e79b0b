package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestVPCEndpointsForAWSServicesManual(t *testing.T) {
	const typ = collect.TypeEC2VPC
	runCases(t, "vpc_endpoints_for_aws_services_manual", []checkCase{
		{"each VPC is reviewed", []*inventory.Item{item(typ, "us-east-1", "vpc-1", `{"vpcId":"vpc-1"}`), item(typ, "us-east-1", "vpc-2", `{"vpcId":"vpc-2"}`)},
			[]want{{compliance.Manual, "vpc-1", "VPC vpc-1"}, {compliance.Manual, "vpc-2", "VPC vpc-2"}}},
		{"denied is an error", []*inventory.Item{gap(typ, "us-east-1", "ec2:DescribeVpcs", "UnauthorizedOperation")},
			[]want{{compliance.Error, "", "missing permission ec2:DescribeVpcs"}}},
		{"no VPCs", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no VPCs"}}},
	})
}
