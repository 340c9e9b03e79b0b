package checks

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// Helpers of the EC2, VPC, EBS, RDS and EFS checks: iteration over a
// regional resource type with its collection gaps, security group and
// network ACL rules in both Vigil's and Config's spellings, and the
// security groups attached to instances and databases.

// ec2Each evaluates fn over every item of typ. A region where typ could
// not be collected yields one ERROR; when there is nothing to evaluate
// the answer is one NOT_APPLICABLE naming noun ("EC2 instances"). fn
// returns false to leave an item out (a terminated instance).
func ec2Each(a *compliance.Account, typ, noun string, fn func(it *inventory.Item) (compliance.Result, bool)) []compliance.Result {
	var out []compliance.Result
	for region, gap := range ec2Gaps(a, typ) {
		out = append(out, compliance.GapResult(region, typ, gap))
	}
	for _, it := range a.Items(typ) {
		if r, ok := fn(it); ok {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		out = append(out, compliance.AccountResult("", typ, compliance.NotApplicable, "no %s in the scanned regions", noun))
	}
	return out
}

// ec2Gaps returns the collection errors of typ by region, over the
// scanned regions and those of the items.
func ec2Gaps(a *compliance.Account, typ string) map[string]*inventory.CallError {
	out := map[string]*inventory.CallError{}
	regions := a.Regions()
	for _, it := range a.Items(typ) {
		regions = append(regions, it.Region)
	}
	for _, r := range regions {
		if g := a.Gap(r, typ); g != nil {
			out[r] = g
		}
	}
	if g := a.Gap("", typ); g != nil && len(out) == 0 {
		out[cmp.Or(g.Region, inventory.GlobalRegion)] = g
	}
	return out
}

// ec2Index indexes the items of typ by region and resource id.
func ec2Index(a *compliance.Account, typ string) map[[2]string]*inventory.Item {
	m := map[[2]string]*inventory.Item{}
	for _, it := range a.Items(typ) {
		m[[2]string{it.Region, it.ResourceID}] = it
	}
	return m
}

// ec2Label names an item for a reason: "sg-0abc (web)".
func ec2Label(it *inventory.Item) string {
	if it.ResourceName != "" && it.ResourceName != it.ResourceID {
		return it.ResourceID + " (" + it.ResourceName + ")"
	}
	return it.ResourceID
}

// ec2KeyNote names the KMS key of an encrypted resource (" with key
// arn:…"), or is empty when none is recorded.
func ec2KeyNote(it *inventory.Item) string {
	if k := inventory.Str(it.Conf(), "kmsKeyId"); k != "" {
		return " with key " + k
	}
	return ""
}

// ec2Live reports whether an instance is not terminated or being
// terminated (Config keeps those as deleted items; the API lists them for
// an hour).
func ec2Live(it *inventory.Item) bool {
	switch inventory.Str(it.Conf(), "state", "name") {
	case "terminated", "shutting-down":
		return false
	}
	return true
}

// ec2Rule is one security group permission or network ACL entry,
// normalised over the spellings.
type ec2Rule struct {
	proto    string // "-1" (all traffic), "tcp", "udp", "icmp", or a protocol number
	from, to int64  // port range; 0–65535 when the rule names none
	sources  []string
}

// ec2Proto normalises a protocol: numbers of TCP and UDP become names,
// "all" and -1 become "-1".
func ec2Proto(p string) string {
	switch strings.ToLower(p) {
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "-1", "all", "":
		return "-1"
	}
	return strings.ToLower(p)
}

// covers reports whether the rule applies to proto traffic on port; port
// < 0 asks for every port and protocol ("all traffic").
func (r ec2Rule) covers(proto string, port int64) bool {
	if r.proto == "-1" {
		return true
	}
	if port < 0 {
		return false
	}
	return r.proto == proto && r.from <= port && port <= r.to
}

// allPorts reports whether the rule opens every port: all traffic, or
// the whole TCP or UDP range.
func (r ec2Rule) allPorts() bool {
	return r.proto == "-1" || ((r.proto == "tcp" || r.proto == "udp") && r.from <= 0 && r.to >= 65535)
}

// ec2Internet reports whether cidr is the whole IPv4 or IPv6 internet.
func ec2Internet(cidr string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	return err == nil && p.Bits() == 0
}

// ec2SGRules returns a security group's ingress (or egress) permissions.
// Sources come from Config's ipRanges (CIDR strings, or {cidrIp} objects
// as the API spells them), ipv4Ranges and ipv6Ranges.
func ec2SGRules(sg *inventory.Item, egress bool) []ec2Rule {
	key := "ipPermissions"
	if egress {
		key = "ipPermissionsEgress"
	}
	var out []ec2Rule
	for _, p := range inventory.List(sg.Conf(), key) {
		r := ec2Rule{proto: ec2Proto(inventory.Str(p, "ipProtocol")), from: 0, to: 65535}
		if n, ok := inventory.Int(p, "fromPort"); ok && n >= 0 && r.proto != "-1" {
			r.from = n
		}
		if n, ok := inventory.Int(p, "toPort"); ok && n >= 0 && r.proto != "-1" {
			r.to = n
		}
		for _, k := range []string{"ipRanges", "ipv4Ranges", "ipv6Ranges"} {
			for _, v := range inventory.List(p, k) {
				cidr, ok := v.(string)
				if !ok {
					cidr = cmp.Or(inventory.Str(v, "cidrIp"), inventory.Str(v, "cidrIpv6"))
				}
				if cidr != "" && !slices.Contains(r.sources, cidr) {
					r.sources = append(r.sources, cidr)
				}
			}
		}
		out = append(out, r)
	}
	return out
}

// ec2SGOpen describes the ingress rules of sg that admit the internet to
// one of the TCP ports ("tcp/22 from 0.0.0.0/0"); with no ports, the
// rules that open every port.
func ec2SGOpen(sg *inventory.Item, ports ...int64) []string {
	var out []string
	for _, r := range ec2SGRules(sg, false) {
		for _, src := range r.sources {
			if !ec2Internet(src) {
				continue
			}
			if len(ports) == 0 && r.allPorts() {
				out = append(out, ec2RuleText(r)+" from "+src)
				continue
			}
			for _, port := range ports {
				if r.covers("tcp", port) {
					out = append(out, fmt.Sprintf("tcp/%d from %s", port, src))
				}
			}
		}
	}
	return out
}

// ec2RuleText renders a rule's protocol and ports: "all traffic",
// "tcp/0-65535", "udp/53".
func ec2RuleText(r ec2Rule) string {
	switch {
	case r.proto == "-1":
		return "all traffic"
	case r.from == r.to:
		return fmt.Sprintf("%s/%d", r.proto, r.from)
	}
	return fmt.Sprintf("%s/%d-%d", r.proto, r.from, r.to)
}

// ec2SGPorts evaluates every security group for internet ingress to the
// TCP ports (every port when none are given).
func ec2SGPorts(a *compliance.Account, what string, ports ...int64) []compliance.Result {
	return ec2Each(a, collect.TypeEC2SecurityGroup, "security groups", func(sg *inventory.Item) (compliance.Result, bool) {
		if open := ec2SGOpen(sg, ports...); len(open) > 0 {
			return compliance.FailFor(sg, "security group %s allows ingress from the internet: %s", ec2Label(sg), strings.Join(open, ", ")), true
		}
		return compliance.PassFor(sg, "security group %s allows no ingress from the internet to %s", ec2Label(sg), what), true
	})
}

// ec2GroupsOpen checks the security groups ids (in region) for internet
// ingress to the TCP ports. It returns the open rules ("sg-1: tcp/445
// from ::/0") and, when a group could not be read, why.
func ec2GroupsOpen(a *compliance.Account, sgs map[[2]string]*inventory.Item, region string, ids []string, ports ...int64) (open []string, unknown string) {
	for _, id := range ids {
		sg := sgs[[2]string{region, id}]
		if sg == nil {
			if gap := a.Gap(region, collect.TypeEC2SecurityGroup); gap != nil {
				unknown = "cannot read security group " + id + ": " + gap.Reason()
			} else {
				unknown = "security group " + id + " is not in the snapshot"
			}
			continue
		}
		for _, o := range ec2SGOpen(sg, ports...) {
			open = append(open, id+": "+o)
		}
	}
	return open, unknown
}

// ec2InstanceGroups returns the ids of the security groups attached to an
// instance, directly and through its network interfaces.
func ec2InstanceGroups(it *inventory.Item) []string {
	var ids []string
	add := func(groups []any) {
		for _, g := range groups {
			if id := inventory.Str(g, "groupId"); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	add(inventory.List(it.Conf(), "securityGroups"))
	for _, n := range inventory.List(it.Conf(), "networkInterfaces") {
		add(inventory.List(n, "groups"))
	}
	return ids
}

// ec2NACLAllows evaluates a network ACL's inbound entries in rule-number
// order, separately for IPv4 (0.0.0.0/0) and IPv6 (::/0) sources, as AWS
// does: the first entry from the whole internet that covers the traffic
// decides, so an earlier deny wins over a later allow. It returns the
// allowing entry ("rule 100 allows all traffic from 0.0.0.0/0"), or "".
// port < 0 asks for all traffic.
func ec2NACLAllows(acl *inventory.Item, proto string, port int64) string {
	type entry struct {
		n     int64
		allow bool
		src   string
		rule  ec2Rule
	}
	var entries []entry
	for _, e := range inventory.List(acl.Conf(), "entries") {
		if egress, _ := inventory.Bool(e, "egress"); egress {
			continue
		}
		n, _ := inventory.Int(e, "ruleNumber")
		r := ec2Rule{proto: ec2Proto(inventory.Str(e, "protocol")), from: 0, to: 65535}
		if f, ok := inventory.Int(e, "portRange", "from"); ok {
			r.from = f
		}
		if t, ok := inventory.Int(e, "portRange", "to"); ok {
			r.to = t
		}
		src := cmp.Or(inventory.Str(e, "cidrBlock"), inventory.Str(e, "ipv6CidrBlock"))
		entries = append(entries, entry{n: n, allow: strings.EqualFold(inventory.Str(e, "ruleAction"), "allow"), src: src, rule: r})
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Compare(a.n, b.n) })
	for _, v6 := range []bool{false, true} {
		for _, e := range entries {
			if !ec2Internet(e.src) || strings.Contains(e.src, ":") != v6 || !e.rule.covers(proto, port) {
				continue
			}
			if e.allow {
				return fmt.Sprintf("rule %d allows %s from %s", e.n, ec2RuleText(e.rule), e.src)
			}
			break
		}
	}
	return ""
}

// ec2NACLCheck evaluates every network ACL for inbound traffic from the
// internet to proto/port (all traffic when port < 0).
func ec2NACLCheck(a *compliance.Account, what, proto string, port int64) []compliance.Result {
	return ec2Each(a, collect.TypeEC2NetworkACL, "network ACLs", func(acl *inventory.Item) (compliance.Result, bool) {
		if by := ec2NACLAllows(acl, proto, port); by != "" {
			return compliance.FailFor(acl, "network ACL %s lets the internet reach %s: %s", ec2Label(acl), what, by), true
		}
		return compliance.PassFor(acl, "network ACL %s does not let the internet reach %s", ec2Label(acl), what), true
	})
}

// rdsSnapshotPublic evaluates a DB or DB cluster snapshot's restore
// attribute (supplementaryConfiguration key attrKey).
func rdsSnapshotPublic(it *inventory.Item, attrKey, permission string) compliance.Result {
	if gap := compliance.ItemGap(it, permission); gap != nil {
		return compliance.ErrorFor(it, "cannot read the attributes of snapshot %s: %s", it.ResourceID, gap.Reason())
	}
	attrs, known := it.Supp()[attrKey]
	if !known {
		for k, v := range it.Supp() {
			if strings.EqualFold(k, attrKey) {
				attrs, known = v, true
			}
		}
	}
	if !known {
		if strings.EqualFold(inventory.Str(it.Conf(), "snapshotType"), "automated") {
			return compliance.PassFor(it, "snapshot %s is automated; automated snapshots cannot be shared", it.ResourceID)
		}
		return compliance.ErrorFor(it, "the attributes of snapshot %s were not recorded", it.ResourceID)
	}
	attrList, _ := attrs.([]any)
	for _, at := range attrList {
		if inventory.Str(at, "attributeName") != "restore" {
			continue
		}
		for _, v := range inventory.List(at, "attributeValues") {
			if v == "all" {
				return compliance.FailFor(it, "snapshot %s can be restored by any AWS account (restore: all)", it.ResourceID)
			}
		}
	}
	return compliance.PassFor(it, "snapshot %s is not public", it.ResourceID)
}
