package checks

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "awslambda_function_not_publicly_accessible",
		Title: "Lambda function resource-based policy does not allow public access",
		Description: "A function policy statement that allows Principal \"*\" without a condition pinning callers to " +
			"known accounts, organizations or source ARNs (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, …) lets " +
			"anyone invoke or manage the function; a function URL with auth type NONE is reachable by anyone through such a statement.",
		Service:      "lambda",
		Severity:     compliance.Critical,
		ResourceType: lambdaTypeFunction,
		Remediation: "aws lambda remove-permission --function-name <function> --statement-id <sid>, then grant the caller " +
			"explicitly, e.g. aws lambda add-permission … --principal s3.amazonaws.com --source-arn <bucket ARN> --source-account <account>",
		Eval: func(a *compliance.Account) []compliance.Result {
			out := s3RegionalGaps(a, lambdaTypeFunction)
			for _, it := range a.Items(lambdaTypeFunction) {
				out = append(out, lambdaPublicResult(it))
			}
			if len(out) == 0 {
				out = append(out, compliance.AccountResult("", lambdaTypeFunction, compliance.NotApplicable, "the account has no Lambda functions"))
			}
			return out
		},
	})
}

// lambdaPublicResult is the verdict on one function's policy.
func lambdaPublicResult(it *inventory.Item) compliance.Result {
	name := inventory.Str(it.Conf(), "functionName")
	if name == "" {
		name = it.ResourceID
	}
	if why := s3CallFailed(it, "lambda:GetPolicy"); why != "" {
		return compliance.ErrorFor(it, "cannot read the policy of function %s: %s", name, why)
	}
	raw := inventory.Get(it.Supp(), "Policy")
	if raw == nil || raw == "" {
		return compliance.PassFor(it, "function %s has no resource-based policy", name)
	}
	doc := inventory.PolicyDoc(raw)
	if doc == nil {
		return compliance.ErrorFor(it, "the policy of function %s is not a JSON policy document", name)
	}
	var public []string
	for i, st := range rpStatements(doc) {
		if who, ok := rpPublicAllow(st); ok {
			public = append(public, fmt.Sprintf("statement %s allows %s to %s", rpSid(st, i), who, strings.Join(rpValues(inventory.Get(st, "Action")), ", ")))
		}
	}
	if len(public) == 0 {
		return compliance.PassFor(it, "the policy of function %s grants no public access", name)
	}
	reason := fmt.Sprintf("the policy of function %s is public: %s", name, strings.Join(public, "; "))
	if strings.EqualFold(inventory.Str(it.Supp(), "FunctionUrlConfig", "authType"), "NONE") {
		reason += fmt.Sprintf("; its function URL %s needs no authentication", inventory.Str(it.Supp(), "FunctionUrlConfig", "functionUrl"))
	}
	return compliance.FailFor(it, "%s", reason)
}
