package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "vpc_endpoints_for_aws_services_manual",
		Title: "VPC endpoints are used for access to AWS services (manual review)",
		Description: "CIS 6.8: traffic from a VPC to AWS services (S3, DynamoDB, STS, Secrets Manager, …) should go through " +
			"gateway or interface endpoints rather than the internet. Which services each VPC's workloads call is not in the API, " +
			"so each VPC is reviewed by hand.",
		Service:      "vpc",
		Severity:     compliance.Low,
		ResourceType: collect.TypeEC2VPC,
		Remediation:  "aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values=<vpc>; add endpoints for the services the workloads use: aws ec2 create-vpc-endpoint --vpc-id <vpc> --service-name com.amazonaws.<region>.s3 --route-table-ids <rtb>",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeEC2VPC, "VPCs", func(vpc *inventory.Item) (compliance.Result, bool) {
				return compliance.Result{
					Region: vpc.Region, ResourceType: vpc.ResourceType, ResourceID: vpc.ResourceID, ResourceARN: vpc.ARN, Tags: vpc.Tags,
					Status: compliance.Manual, Reason: "review which AWS services the workloads of VPC " + vpc.ResourceID + " call and whether VPC endpoints serve them",
				}, true
			})
		},
	})
}
