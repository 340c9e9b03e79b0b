package cloudtrail

import (
	"fmt"

	"github.com/vigil-sec/vigil/internal/detect"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { register(bedrockModelAccess) }

var bedrockModelAccess = &detect.Detection{
	ID:        "impact.bedrock_model_access_enabled",
	Type:      "Impact:Bedrock/ModelAccessEnabled",
	Namespace: detect.NamespaceVigil,
	Severity:  vigil.SeverityMedium,
	Title:     "Access to a Bedrock foundation model was enabled",
	Description: "A successful PutFoundationModelEntitlement, CreateFoundationModelAgreement or " +
		"PutUseCaseForModelAccess: the account subscribes to a foundation model (accepting its offer, submitting the " +
		"use-case form), the first step of \"LLMjacking\", where stolen credentials are used to run expensive models " +
		"at the victim's cost. Accounts enable a model once, so this is rare in routine activity.",
	FalsePositives: "A team starting to use a new model: confirm with them and suppress for the account.",
	Key:            "model",
	Technique:      "T1496",
	Source:         detect.SourceCloudTrail,
	Events:         []string{"PutFoundationModelEntitlement", "CreateFoundationModelAgreement", "PutUseCaseForModelAccess"},
	Match: func(e *vigil.Event, _ *detect.Context) *detect.Hit {
		if e.EventSource != "bedrock.amazonaws.com" || !succeeded(e) {
			return nil
		}
		model := text(get(params(e), "modelId"))
		if model == "" {
			return &detect.Hit{Resource: "model-access-use-case",
				Description: fmt.Sprintf("The Bedrock model-access use case was submitted by %s%s.", caller(e), from(e))}
		}
		return &detect.Hit{Resource: "model/" + model,
			Description: fmt.Sprintf("Access to Bedrock model %s was enabled with %s by %s%s.", model, e.EventName, caller(e), from(e))}
	},
}
