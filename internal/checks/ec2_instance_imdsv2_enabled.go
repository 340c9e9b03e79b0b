package checks

import (
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "ec2_instance_imdsv2_enabled",
		Title: "EC2 instance requires IMDSv2 or has the instance metadata service disabled",
		Description: "CIS 6.7 and AWS Config's ec2-imdsv2-check: IMDSv1 answers any local request, so a server-side request forgery " +
			"in an application can read the instance role's credentials. Requiring session tokens (IMDSv2) blocks that.",
		Service:      "ec2",
		Severity:     compliance.High,
		ResourceType: collect.TypeEC2Instance,
		Remediation:  "aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required --http-endpoint enabled",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ec2Each(a, collect.TypeEC2Instance, "EC2 instances", func(it *inventory.Item) (compliance.Result, bool) {
				if !ec2Live(it) {
					return compliance.Result{}, false
				}
				md := inventory.Obj(it.Conf(), "metadataOptions")
				switch tokens := inventory.Str(md, "httpTokens"); {
				case md == nil:
					return compliance.ErrorFor(it, "instance %s: its metadata options were not recorded", it.ResourceID), true
				case inventory.Str(md, "httpEndpoint") == "disabled":
					return compliance.PassFor(it, "instance %s has the instance metadata service disabled", it.ResourceID), true
				case tokens == "required":
					return compliance.PassFor(it, "instance %s requires IMDSv2 session tokens", it.ResourceID), true
				case tokens == "":
					return compliance.ErrorFor(it, "instance %s: its metadata options record no httpTokens", it.ResourceID), true
				default:
					return compliance.FailFor(it, "instance %s accepts IMDSv1 requests (httpTokens %s)", it.ResourceID, tokens), true
				}
			})
		},
	})
}
