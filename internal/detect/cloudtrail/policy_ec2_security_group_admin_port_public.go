package cloudtrail

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(adminPortPublic) }

// adminPorts are ports of remote administration and data stores that
// should never face the whole internet.
var adminPorts = []int{22, 23, 445, 1433, 1521, 2375, 2379, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 9200, 11211, 27017}

var adminPortPublic = &detect.Detection{
	ID:        "policy.ec2_security_group_admin_port_public",
	Type:      "Policy:EC2/SecurityGroupAdminPortPublic",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "A security group opened an administration port to the internet",
	Description: "A successful AuthorizeSecurityGroupIngress lets any address (a /0 range, IPv4 or IPv6) reach a " +
		"remote-administration or data-store port: SSH 22, Telnet 23, SMB 445, RDP 3389, VNC 5900, WinRM 5985-5986, " +
		"Docker 2375, etcd 2379, and the MySQL, PostgreSQL, SQL Server, Oracle, Redis, Elasticsearch, Memcached and " +
		"MongoDB ports; a rule for all protocols or all ports is High. Both request shapes are read (ipPermissions " +
		"items, and the flat cidrIp/fromPort/toPort). Rules for web ports (80, 443) and for private or narrower ranges " +
		"are not reported. Attackers open SSH or RDP this way to reach an instance they control or to keep a way in.",
	FalsePositives: "A bastion host deliberately open to the world (prefer SSM Session Manager, or restrict it to the " +
		"offices' ranges); short-lived test environments.",
	Key:       "security group and ports",
	Technique: "T1562.007",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"AuthorizeSecurityGroupIngress"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "ec2.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		rules := list(get(p, "ipPermissions", "items"))
		if get(p, "cidrIp") != nil || get(p, "cidrIpv6") != nil {
			rules = append(rules, p)
		}
		var ports []string
		all := false
		for _, r := range rules {
			if !openToAll(r) {
				continue
			}
			proto := text(get(r, "ipProtocol"))
			lo, okLo := number(get(r, "fromPort"))
			hi, okHi := number(get(r, "toPort"))
			if proto == "-1" || proto == "all" || okLo && okHi && lo <= 0 && hi >= 65535 {
				all = true
				continue
			}
			if !okLo || !okHi {
				continue
			}
			for _, port := range adminPorts {
				if float64(port) >= lo && float64(port) <= hi && !slices.Contains(ports, strconv.Itoa(port)) {
					ports = append(ports, strconv.Itoa(port))
				}
			}
		}
		if !all && len(ports) == 0 {
			return nil
		}
		sg := text(get(p, "groupId"))
		if sg == "" {
			sg = text(get(p, "groupName"))
		}
		what := "ports " + strings.Join(ports, ", ")
		h := &detect.Hit{Resource: "security-group/" + sg, Actor: strings.Join(ports, ",")}
		if all {
			what, h.Actor, h.Severity = "every port", "all", vigil.SeverityHigh
		}
		h.Description = fmt.Sprintf("Security group %s was opened to the internet on %s by %s%s.", sg, what, caller(e), from(e))
		return h
	},
}

// openToAll reports whether a rule admits every address: a /0 range in
// its cidrIp, cidrIpv6, ipRanges or ipv6Ranges.
func openToAll(rule any) bool {
	var cidrs []string
	cidrs = append(cidrs, texts(get(rule, "cidrIp"))...)
	cidrs = append(cidrs, texts(get(rule, "cidrIpv6"))...)
	for _, it := range list(get(rule, "ipRanges", "items")) {
		cidrs = append(cidrs, texts(get(it, "cidrIp"))...)
	}
	for _, it := range list(get(rule, "ipv6Ranges", "items")) {
		cidrs = append(cidrs, texts(get(it, "cidrIpv6"))...)
	}
	for _, c := range cidrs {
		if p, err := netip.ParsePrefix(c); err == nil && p.Bits() == 0 {
			return true
		}
		// Anonymised records keep the prefix length only ("208.236.235.254/0").
		if strings.HasSuffix(c, "/0") {
			return true
		}
	}
	return false
}
