package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(dnsQueryLoggingDeleted) }

var dnsQueryLoggingDeleted = &detect.Detection{
	ID:        "stealth.route53resolver_query_logging_deleted",
	Type:      "Stealth:IAMUser/DNSQueryLoggingDisabled",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "Route 53 Resolver query logging was disabled",
	Description: "A successful DeleteResolverQueryLogConfig or DisassociateResolverQueryLogConfig: the DNS queries of " +
		"the VPCs it covered are no longer logged, which hides DNS tunnelling and the domains malware calls. One event " +
		"proves it.",
	FalsePositives: "Tearing down an environment, or moving query logging to another configuration or destination " +
		"(a new association follows).",
	Key:       "query logging configuration",
	Technique: "T1562.008",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"DeleteResolverQueryLogConfig", "DisassociateResolverQueryLogConfig"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "route53resolver.amazonaws.com" || !succeeded(e) {
			return nil
		}
		id := text(get(params(e), "resolverQueryLogConfigId"))
		what := "was deleted"
		if e.EventName == "DisassociateResolverQueryLogConfig" {
			what = "was detached from VPC " + text(get(params(e), "resourceId"))
		}
		return &detect.Hit{Resource: "resolver-query-log-config/" + id,
			Description: fmt.Sprintf("DNS query logging configuration %s %s by %s%s.", id, what, caller(e), from(e))}
	},
}
