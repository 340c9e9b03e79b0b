package cloudtrail

import (
	"fmt"
	"slices"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(roleTrustPolicyExternal) }

var roleTrustPolicyExternal = &detect.Detection{
	ID:        "persistence.iam_role_trust_policy_external",
	Type:      "Persistence:IAMUser/RoleTrustPolicyExternal",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityHigh,
	Title:     "A role's trust policy was opened to an external account",
	Description: "A successful CreateRole or UpdateAssumeRolePolicy sets a trust policy with an Allow statement for " +
		"sts:AssumeRole whose AWS principal is an account (or a principal of an account) outside the organization, or " +
		"\"*\" not restricted by conditions on the caller's identity or network (aws:PrincipalOrgID, " +
		"aws:PrincipalAccount, aws:PrincipalArn, aws:SourceIp, ...). Whoever controls that account can assume the " +
		"role from outside: the classic backdoor role.",
	FalsePositives: "Cross-account roles for vendors (monitoring, security tools) and for accounts of the organization " +
		"that are not in the lake. Add the organization's account IDs, or suppress by principal of the team that " +
		"provisions vendor roles.",
	Key:       "role and the outside accounts trusted (\"public\" for any principal)",
	Technique: "T1098.003",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"CreateRole", "UpdateAssumeRolePolicy"},
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		if e.EventSource != "iam.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		doc := get(p, "policyDocument")
		if e.EventName == "CreateRole" {
			doc = get(p, "assumeRolePolicyDocument")
		}
		var values []string
		for _, s := range statements(doc) {
			if !s.allow() || !s.grants("sts:AssumeRole") {
				continue
			}
			for _, pr := range s.awsPrincipals() {
				if pr != "*" || s.wildcardExposure() != exposureNone {
					values = append(values, pr)
				}
			}
		}
		ext, public := sharedWith(c, owner(e), values)
		if len(ext) == 0 && !public {
			return nil
		}
		role := text(get(p, "roleName"))
		who := shareTarget(ext, public)
		if public {
			who = "any AWS principal"
			if len(ext) > 0 {
				who += " and external accounts " + joinSettings(slices.Clone(ext))
			}
		}
		return &detect.Hit{Resource: "role/" + role, Actor: shareActor(ext, public),
			Description: fmt.Sprintf("The trust policy of role %s was set with %s by %s%s to let %s assume it.", role, e.EventName, caller(e), from(e), who)}
	},
}
