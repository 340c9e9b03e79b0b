package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_instance_port_cifs_exposed_to_internet",
		Title: "EC2 instance does not allow Internet ingress to TCP ports 139 or 445 (CIFS)",
		Description: "CIS 6.1.2: SMB/CIFS (TCP 139 and 445) open to 0.0.0.0/0 or ::/0 through any security group attached to an " +
			"instance exposes file shares to the internet. An instance without a public IP address still fails, at medium severity: " +
			"one Elastic IP or load balancer away from exposure.",
		Service:      "ec2",
		Severity:     compliance.Critical,
		ResourceType: collect.TypeEC2Instance,
		Remediation:  "aws ec2 revoke-security-group-ingress --group-id <sg> --ip-permissions IpProtocol=tcp,FromPort=445,ToPort=445,IpRanges=[{CidrIp=0.0.0.0/0}] (and ::/0, and port 139); allow only trusted networks",
		Eval: func(a *compliance.Account) []compliance.Result {
			sgs := ec2Index(a, collect.TypeEC2SecurityGroup)
			return ec2Each(a, collect.TypeEC2Instance, "EC2 instances", func(it *inventory.Item) (compliance.Result, bool) {
				if !ec2Live(it) {
					return compliance.Result{}, false
				}
				open, unknown := ec2GroupsOpen(a, sgs, it.Region, ec2InstanceGroups(it), 139, 445)
				switch {
				case len(open) > 0:
					ip := inventory.Str(it.Conf(), "publicIpAddress")
					if ip == "" {
						r := compliance.FailFor(it, "instance %s (no public IP address) has CIFS open to the internet: %s", it.ResourceID, strings.Join(open, ", "))
						r.Severity = compliance.Medium
						return r, true
					}
					return compliance.FailFor(it, "instance %s (public IP %s) has CIFS open to the internet: %s", it.ResourceID, ip, strings.Join(open, ", ")), true
				case unknown != "":
					return compliance.ErrorFor(it, "instance %s: %s", it.ResourceID, unknown), true
				}
				return compliance.PassFor(it, "instance %s: no attached security group opens TCP 139 or 445 to the internet", it.ResourceID), true
			})
		},
	})
}
