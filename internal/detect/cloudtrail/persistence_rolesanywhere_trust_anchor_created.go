package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(trustAnchorCreated) }

var trustAnchorCreated = &detect.Detection{
	ID:        "persistence.rolesanywhere_trust_anchor_created",
	Type:      "Persistence:RolesAnywhere/TrustAnchorCreated",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityHigh,
	Title:     "An IAM Roles Anywhere trust anchor was created or changed",
	Description: "A successful CreateTrustAnchor, or an UpdateTrustAnchor that sets a new certificate source: from " +
		"then on, anyone holding a certificate issued by that authority can get credentials for the roles of a Roles " +
		"Anywhere profile, from anywhere and without any IAM user or key, a durable backdoor that survives key " +
		"rotation.",
	FalsePositives: "Setting up Roles Anywhere for on-premises workloads with the organization's private CA, and " +
		"renewing that CA's certificate.",
	Key:       "trust anchor",
	Technique: "T1098",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"CreateTrustAnchor", "UpdateTrustAnchor"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "rolesanywhere.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		if e.EventName == "UpdateTrustAnchor" && get(p, "source") == nil {
			return nil
		}
		name := text(get(p, "name"))
		if name == "" {
			name = text(get(p, "trustAnchorId"))
		}
		kind := text(get(p, "source", "sourceType"))
		if kind == "" {
			kind = "a certificate"
		}
		return &detect.Hit{Resource: "trust-anchor/" + name,
			Description: fmt.Sprintf("Roles Anywhere trust anchor %s now trusts %s (%s by %s%s).", name, kind, e.EventName, caller(e), from(e))}
	},
}
