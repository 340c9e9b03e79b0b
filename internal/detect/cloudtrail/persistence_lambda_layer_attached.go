package cloudtrail

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(lambdaLayerAttached) }

var lambdaLayerAttached = &detect.Detection{
	ID:        "persistence.lambda_layer_attached",
	Type:      "Persistence:Lambda/LayerAttached",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityLow,
	Title:     "A layer was attached to a Lambda function",
	Description: "A successful UpdateFunctionConfiguration (any API version) sets the function's layers: a layer, " +
		"an extension above all, runs its own code inside every invocation with the function's role and sees its " +
		"events, a way to persist and to steal data without touching the function's code. Low when every layer is " +
		"the organization's; Medium when a layer belongs to an account outside it.",
	FalsePositives: "Deployments that manage layers (observability extensions such as Datadog's or Lambda " +
		"Insights come from vendor or AWS accounts, hence Medium): suppress the deployment principal or the layer's account.",
	Key:       "function and layers",
	Technique: "T1546",
	Source:    detect.SourceCloudTrail,
	Events:    []string{"UpdateFunctionConfiguration", "UpdateFunctionConfiguration20150331", "UpdateFunctionConfiguration20150331v2"},
	Match: func(e *vigil.Event, c *detect.Context) *detect.Hit {
		if e.EventSource != "lambda.amazonaws.com" || !succeeded(e) {
			return nil
		}
		p := params(e)
		layers := texts(get(p, "layers"))
		if len(layers) == 0 {
			return nil
		}
		fn := text(get(p, "functionName"))
		h := &detect.Hit{Resource: "function/" + fn, Actor: strings.Join(layers, ",")}
		var external []string
		for _, l := range layers {
			if a := accountOf(l); a != "" && c.External(a, owner(e)) {
				external = append(external, a)
			}
		}
		where := ""
		if len(external) > 0 {
			h.Severity = vigil.SeverityMedium
			where = " (from external accounts " + strings.Join(external, ", ") + ")"
		}
		h.Description = fmt.Sprintf("Lambda function %s now runs layers %s%s, set by %s%s.", fn, strings.Join(layers, ", "), where, caller(e), from(e))
		return h
	},
}
