package checks

import "github.com/vigil-sec/vigil/internal/compliance"

func init() {
	compliance.Register(&compliance.Check{
		ID:    "cloudwatch_web_frontend_access_logging_manual",
		Title: "AWS-managed web front-end services have access logging enabled (manual review)",
		Description: "CIS 4.10 asks for access logs on every AWS-managed web front end. Which front ends an account exposes is a judgement call, so this control is reviewed by hand: " +
			"CloudFront distributions (standard or real-time logging), Application, Network and Classic Load Balancers (access_logs.s3.enabled), " +
			"API Gateway REST API stages and HTTP/WebSocket API stages (access log settings), AppSync APIs (field-level logs) and Amplify apps. " +
			"Where collected, the automated checks apigateway_restapi_logging_enabled, apigatewayv2_api_access_logging_enabled, cloudfront_distributions_logging_enabled and elbv2_logging_enabled cover parts of it.",
		Service:      "cloudwatch",
		Severity:     compliance.Medium,
		ResourceType: "AWS::::Account",
		Remediation:  "Enable access logging on each front end: aws elbv2 modify-load-balancer-attributes --attributes Key=access_logs.s3.enabled,Value=true …; CloudFront distribution Logging; API Gateway stage accessLogSettings",
		Eval: func(a *compliance.Account) []compliance.Result {
			return []compliance.Result{compliance.AccountResult("", "AWS::::Account", compliance.Manual,
				"review access logging of CloudFront distributions, load balancers (ALB, NLB, Classic), API Gateway REST and HTTP API stages, AppSync and Amplify apps")}
		},
	})
}
