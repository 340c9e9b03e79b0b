package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_instance_public_ip",
		Title: "EC2 instance has no public IP address",
		Description: "AWS Config's ec2-instance-no-public-ip: an instance with a public IPv4 address is reachable from the internet " +
			"wherever its security groups and network ACLs allow; keep instances private behind load balancers, NAT or endpoints.",
		Service:      "ec2",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeEC2Instance,
		Remediation:  "Launch instances in private subnets (aws ec2 modify-subnet-attribute --subnet-id <id> --no-map-public-ip-on-launch) and release associated Elastic IPs",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeEC2Instance, "EC2 instances", func(it *inventory.Item) (compliance.Result, bool) {
				if !ec2Live(it) {
					return compliance.Result{}, false
				}
				if ip := inventory.Str(it.Conf(), "publicIpAddress"); ip != "" {
					return compliance.FailFor(it, "instance %s has public IP address %s", it.ResourceID, ip), true
				}
				return compliance.PassFor(it, "instance %s has no public IP address", it.ResourceID), true
			})
		},
	})
}
