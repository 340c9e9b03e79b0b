package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_instance_profile_attached",
		Title: "EC2 instance has an IAM instance profile attached",
		Description: "CIS 2.16: software on an instance should reach AWS with the temporary credentials of an instance role, " +
			"not with access keys stored on the instance. An instance without an instance profile has no role to use.",
		Service:      "ec2",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeEC2Instance,
		Remediation:  "aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>, then remove any access keys stored on the instance",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeEC2Instance, "EC2 instances", func(it *inventory.Item) (compliance.Result, bool) {
				if !ec2Live(it) {
					return compliance.Result{}, false
				}
				if arn := inventory.Str(it.Conf(), "iamInstanceProfile", "arn"); arn != "" {
					return compliance.PassFor(it, "instance %s uses instance profile %s", it.ResourceID, arn), true
				}
				return compliance.FailFor(it, "instance %s has no IAM instance profile", it.ResourceID), true
			})
		},
	})
}
