package cloudtrail

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(lambdaPolicyExternal) }

var lambdaPolicyExternal = &detect.Detection{
	ID:        "persistence.lambda_resource_policy_external",
	Type:      "Persistence:Lambda/ResourcePolicyExternal",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "A Lambda function's resource policy was opened to an external account or to anyone",
	Description: "A successful AddPermission (any API version: AddPermission20150331v2, ...) grants principal \"*\" " +
		"without sourceAccount, sourceArn or principalOrgID (High: anyone can invoke or change the function, per the " +
		"action granted), or grants an account outside the organization (Medium). Service principals " +
		"(s3.amazonaws.com, ...) are not reported.",
	FalsePositives: "Public function URLs by design (functionUrlAuthType NONE); cross-account event sources of " +
		"partners not in the lake.",
	Key:       "function and the principal granted",
	Technique: "T1546",
	Source:    detect.SourceCloudTrail,
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		if !strings.HasPrefix(e.EventName, "AddPermission") || e.EventSource != "lambda.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		principal, fn, action := text(get(p, "principal")), text(get(p, "functionName")), text(get(p, "action"))
		h := &detect.Hit{Resource: "function/" + fn, Actor: principal}
		switch {
		case principal == "*":
			if text(get(p, "sourceAccount"))+text(get(p, "sourceArn"))+text(get(p, "principalOrgID")) != "" {
				return nil
			}
			h.Severity = vigil.SeverityHigh
			h.Description = fmt.Sprintf("Lambda function %s was opened to anyone (%s for principal *) by %s%s.", fn, action, caller(e), from(e))
		case accountOf(principal) != "" && c.External(accountOf(principal), owner(e)):
			h.Description = fmt.Sprintf("Lambda function %s was opened to external account %s (%s) by %s%s.", fn, accountOf(principal), action, caller(e), from(e))
		default:
			return nil
		}
		return h
	},
}
