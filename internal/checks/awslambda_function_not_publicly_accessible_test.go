package checks

import (
	"encoding/json"
	"testing"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// lambdaFn builds a function item as Vigil collects it: the policy as a
// JSON string (statements given), extra supplementary keys as JSON, and
// permissions whose calls failed.
func lambdaFn(name, region, statements string, supp map[string]string, denied ...string) *inventory.Item {
	it := item(lambdaTypeFunction, region, name, `{"functionName":"`+name+`","runtime":"python3.12","role":"arn:aws:iam::111122223333:role/fn"}`)
	it.ARN = "arn:aws:lambda:" + region + ":" + testAccount + ":function:" + name
	it.SupplementaryConfiguration = map[string]json.RawMessage{}
	if statements != "" {
		doc := `{"Version":"2012-10-17","Id":"default","Statement":` + statements + `}`
		it.SupplementaryConfiguration["Policy"], _ = json.Marshal(doc)
	}
	for k, v := range supp {
		it.SupplementaryConfiguration[k] = json.RawMessage(v)
	}
	for _, p := range denied {
		it.Errors = append(it.Errors, inventory.CallError{Permission: p, Code: "AccessDeniedException", Resource: name, Region: region})
	}
	return it
}

// lambdaSample is a function as Config delivers it (after the
// aws-config-rdk example), with a policy granting one bucket.
const lambdaSample = `{
  "version": "1.3", "accountId": "111122223333", "configurationItemCaptureTime": "2018-05-11T17:53:48.872Z",
  "configurationItemStatus": "OK", "configurationStateId": "1526061228872",
  "arn": "arn:aws:lambda:us-east-1:111122223333:function:test-function", "resourceType": "AWS::Lambda::Function",
  "resourceId": "test-function", "resourceName": "test-function", "awsRegion": "us-east-1", "availabilityZone": "Not Applicable",
  "tags": {"test": "value"}, "relatedEvents": [],
  "relationships": [{"resourceType": "AWS::IAM::Role", "resourceName": "lambda_basic_execution", "relationshipName": "Is associated with "}],
  "configuration": {"functionName": "test-function", "functionArn": "arn:aws:lambda:us-east-1:111122223333:function:test-function",
    "runtime": "nodejs6.10", "role": "arn:aws:iam::111122223333:role/lambda_basic_execution", "handler": "index.handler"},
  "supplementaryConfiguration": {"Tags": {"test": "value"},
    "Policy": "{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":[{\"Sid\":\"s3invoke\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:us-east-1:111122223333:function:test-function\",\"Condition\":{\"StringEquals\":{\"AWS:SourceAccount\":\"111122223333\"},\"ArnLike\":{\"AWS:SourceArn\":\"arn:aws:s3:::uploads\"}}}]}"}
}`

func TestAwslambdaFunctionNotPubliclyAccessible(t *testing.T) {
	const public = `[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:fn"}]`
	runCases(t, "awslambda_function_not_publicly_accessible", []checkCase{
		{"public policy fails", []*inventory.Item{lambdaFn("fn", "us-east-1", public, nil)},
			[]want{{compliance.Fail, "fn", `statement "Everyone" allows Principal "*" to lambda:InvokeFunction`}}},
		{"public URL fails naming the URL", []*inventory.Item{lambdaFn("fn", "us-east-1",
			`[{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]`,
			map[string]string{"FunctionUrlConfig": `{"functionUrl":"https://abc.lambda-url.us-east-1.on.aws/","authType":"NONE"}`})},
			[]want{{compliance.Fail, "fn", "its function URL https://abc.lambda-url.us-east-1.on.aws/ needs no authentication"}}},
		{"AWS star fails", []*inventory.Item{lambdaFn("fn", "us-east-1", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"lambda:*"}`, nil)},
			[]want{{compliance.Fail, "fn", "#1 allows"}}},
		{"public principal with source ARN passes", []*inventory.Item{lambdaFn("fn", "us-east-1",
			`[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:111122223333:abc/*"}}}]`, nil)},
			[]want{{compliance.Pass, "fn", "grants no public access"}}},
		{"organization passes", []*inventory.Item{lambdaFn("fn", "us-east-1",
			`[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]`, nil)},
			[]want{{compliance.Pass, "fn", ""}}},
		{"Config's delivered function passes", []*inventory.Item{s3Delivered(lambdaSample)},
			[]want{{compliance.Pass, "test-function", "grants no public access"}}},
		{"no policy passes", []*inventory.Item{lambdaFn("fn", "us-east-1", "", nil)},
			[]want{{compliance.Pass, "fn", "has no resource-based policy"}}},
		{"policy denied is an error", []*inventory.Item{lambdaFn("fn", "us-east-1", "", nil, "lambda:GetPolicy")},
			[]want{{compliance.Error, "fn", "missing permission lambda:GetPolicy"}}},
		{"functions not listed in a region is an error", append(regions("eu-west-1", "us-east-1"),
			gap(lambdaTypeFunction, "eu-west-1", "lambda:ListFunctions", "AccessDeniedException"), lambdaFn("fn", "us-east-1", public, nil)),
			[]want{{compliance.Error, "", "missing permission lambda:ListFunctions"}, {compliance.Fail, "fn", ""}}},
		{"no functions", regions("us-east-1"), []want{{compliance.NotApplicable, "", "no Lambda functions"}}},
	})
}
