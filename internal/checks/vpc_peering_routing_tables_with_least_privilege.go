package checks

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "vpc_peering_routing_tables_with_least_privilege",
		Title: "VPC peering connection route tables do not route to the whole peer VPC or to 0.0.0.0/0",
		Description: "CIS 6.6: routes through a peering connection should name the peer subnets that need to be reached, not a " +
			"prefix covering the peer VPC's whole CIDR (or the internet). Route tables of both sides, in any region, are checked.",
		Service:      "vpc",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeEC2VPCPeering,
		Remediation:  "aws ec2 delete-route --route-table-id <rtb> --destination-cidr-block <broad prefix>; aws ec2 create-route --route-table-id <rtb> --destination-cidr-block <peer subnet> --vpc-peering-connection-id <pcx>",
		Eval: func(a *compliance.Account) []compliance.Result {
			tables := a.Items(collect.TypeEC2RouteTable)
			return ec2Each(a, collect.TypeEC2VPCPeering, "VPC peering connections", func(pcx *inventory.Item) (compliance.Result, bool) {
				switch inventory.Str(pcx.Conf(), "status", "code") {
				case "deleted", "rejected", "failed", "expired":
					return compliance.Result{}, false
				}
				req, acc := inventory.Obj(pcx.Conf(), "requesterVpcInfo"), inventory.Obj(pcx.Conf(), "accepterVpcInfo")
				var broad, routes []string
				for _, rt := range tables {
					peer := acc
					if inventory.Str(rt.Conf(), "vpcId") == inventory.Str(acc, "vpcId") {
						peer = req
					}
					for _, r := range inventory.List(rt.Conf(), "routes") {
						if inventory.Str(r, "vpcPeeringConnectionId") != pcx.ResourceID {
							continue
						}
						dest := inventory.Str(r, "destinationCidrBlock")
						if dest == "" {
							dest = inventory.Str(r, "destinationIpv6CidrBlock")
						}
						routes = append(routes, rt.ResourceID+" "+dest)
						if what := vpcPeeringTooBroad(dest, peer); what != "" {
							broad = append(broad, rt.ResourceID+" routes "+dest+" ("+what+")")
						}
					}
				}
				if len(broad) > 0 {
					return compliance.FailFor(pcx, "peering connection %s: %s", pcx.ResourceID, strings.Join(broad, "; ")), true
				}
				for _, r := range []string{pcx.Region, inventory.Str(req, "region"), inventory.Str(acc, "region")} {
					if gap := a.Gap(r, collect.TypeEC2RouteTable); r != "" && gap != nil {
						return compliance.ErrorFor(pcx, "cannot read the route tables of %s: %s", r, gap.Reason()), true
					}
				}
				if len(routes) == 0 {
					return compliance.PassFor(pcx, "no route table routes through peering connection %s", pcx.ResourceID), true
				}
				return compliance.PassFor(pcx, "routes through peering connection %s name parts of the peer VPC only: %s", pcx.ResourceID, strings.Join(routes, ", ")), true
			})
		},
	})
}

// vpcPeeringTooBroad says why a route to dest through a peering connection
// is broader than least access ("" when it is not): it covers the whole
// internet or one of the peer VPC's whole CIDR blocks.
func vpcPeeringTooBroad(dest string, peer map[string]any) string {
	p, err := netip.ParsePrefix(dest)
	if err != nil {
		return ""
	}
	if p.Bits() == 0 {
		return "the whole internet"
	}
	cidrs := []string{inventory.Str(peer, "cidrBlock")}
	for _, c := range inventory.List(peer, "cidrBlockSet") {
		cidrs = append(cidrs, inventory.Str(c, "cidrBlock"))
	}
	for _, c := range inventory.List(peer, "ipv6CidrBlockSet") {
		cidrs = append(cidrs, inventory.Str(c, "ipv6CidrBlock"))
	}
	slices.Sort(cidrs)
	for _, c := range slices.Compact(cidrs) {
		q, err := netip.ParsePrefix(c)
		if err == nil && p.Bits() <= q.Bits() && p.Contains(q.Addr()) {
			return "covers all of peer VPC " + inventory.Str(peer, "vpcId") + " " + c
		}
	}
	return ""
}
