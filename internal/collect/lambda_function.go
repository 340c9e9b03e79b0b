package collect

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeLambdaFunction is a Lambda function in AWS Config's shape:
// configuration is the ListFunctions entry in lower camel case
// (functionName, functionArn, runtime, role, handler, vpcConfig,
// tracingConfig, environment, …) and supplementaryConfiguration holds
// Tags ({key: value}) and Policy (the resource-based policy as a JSON
// string; absent when the function has none), as in Config, plus Vigil's
// FunctionUrlConfig (GetFunctionUrlConfig in lower camel case: functionUrl,
// authType NONE|AWS_IAM, cors; absent when the function has no URL).
// Relationships name the execution role, security groups and subnets.
//
// Environment variable values are replaced by "REDACTED" before anything
// is stored or recorded: they often hold secrets, and no check needs them.
const TypeLambdaFunction = "AWS::Lambda::Function"

// lambdaRedacted replaces every environment variable value.
const lambdaRedacted = "REDACTED"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "lambda",
		ResourceTypes: []string{TypeLambdaFunction},
		Permissions:   []string{"lambda:ListFunctions", "lambda:GetPolicy", "lambda:GetFunctionUrlConfig", "lambda:ListTags"},
		Collect:       collectLambdaFunctions,
	})
}

func collectLambdaFunctions(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := lambda.NewFromConfig(s.AWS)
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "lambda", Operation: "list-functions"},
		func(ctx context.Context) (*lambda.ListFunctionsOutput, error) {
			merged := &lambda.ListFunctionsOutput{}
			p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				merged.Functions = append(merged.Functions, page.Functions...)
			}
			for i := range merged.Functions {
				lambdaRedact(&merged.Functions[i])
			}
			return merged, nil
		})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.Gap(TypeLambdaFunction, err)
		return nil, nil
	}
	items := make([]*inventory.Item, len(out.Functions))
	for i, fn := range out.Functions {
		lambdaRedact(&fn) // a replayed recording may hold values
		name := aws.ToString(fn.FunctionName)
		it := s.NewItem(TypeLambdaFunction, name, name, aws.ToString(fn.FunctionArn), fn)
		it.Relationships = lambdaRelationships(fn)
		it.SupplementaryConfiguration = map[string]json.RawMessage{}
		items[i] = it
	}
	err = inventory.ForEach(ctx, s, items, func(ctx context.Context, it *inventory.Item) error {
		describeLambdaFunction(ctx, s, c, it)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// describeLambdaFunction adds the function's policy, URL configuration
// and tags to its item; failed calls are recorded on the item.
func describeLambdaFunction(ctx context.Context, s *inventory.Scope, c *lambda.Client, it *inventory.Item) {
	name, arn := it.ResourceID, it.ARN
	note := func(err error) {
		var ce *inventory.CallError
		if errors.As(err, &ce) {
			it.Errors = append(it.Errors, *ce)
		}
	}

	pol, err := inventory.Call(ctx, s, inventory.Op{Service: "lambda", Operation: "get-policy", Resource: name},
		func(ctx context.Context) (*lambda.GetPolicyOutput, error) {
			return c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(name)})
		})
	switch {
	case inventory.IsCode(err, "ResourceNotFoundException"): // no policy
	case err != nil:
		note(err)
	case aws.ToString(pol.Policy) != "":
		it.SupplementaryConfiguration["Policy"], _ = json.Marshal(aws.ToString(pol.Policy))
	}

	url, err := inventory.Call(ctx, s, inventory.Op{Service: "lambda", Operation: "get-function-url-config", Resource: name},
		func(ctx context.Context) (*lambda.GetFunctionUrlConfigOutput, error) {
			return c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name)})
		})
	switch {
	case inventory.IsCode(err, "ResourceNotFoundException"): // no URL
	case err != nil:
		note(err)
	default:
		it.SupplementaryConfiguration["FunctionUrlConfig"] = inventory.ConfigJSON(url)
	}

	tags, err := inventory.Call(ctx, s, inventory.Op{Service: "lambda", Operation: "list-tags", Resource: arn},
		func(ctx context.Context) (*lambda.ListTagsOutput, error) {
			return c.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
		})
	switch {
	case err != nil:
		note(err)
	default:
		t := tags.Tags
		if t == nil {
			t = map[string]string{}
		}
		it.SupplementaryConfiguration["Tags"], _ = json.Marshal(t)
		if len(t) > 0 {
			it.Tags = t
		}
	}
}

// lambdaRedact replaces the function's environment variable values.
func lambdaRedact(fn *lambdatypes.FunctionConfiguration) {
	if fn.Environment == nil {
		return
	}
	for k := range fn.Environment.Variables {
		fn.Environment.Variables[k] = lambdaRedacted
	}
}

// lambdaRelationships are Config's relationships of a function: its role,
// security groups and subnets.
func lambdaRelationships(fn lambdatypes.FunctionConfiguration) []inventory.Relationship {
	var out []inventory.Relationship
	if role := aws.ToString(fn.Role); role != "" {
		out = append(out, inventory.Relationship{ResourceType: "AWS::IAM::Role", ResourceName: role[strings.LastIndexByte(role, '/')+1:], RelationshipName: "Is associated with "})
	}
	if v := fn.VpcConfig; v != nil {
		for _, sg := range v.SecurityGroupIds {
			out = append(out, inventory.Relationship{ResourceType: "AWS::EC2::SecurityGroup", ResourceID: sg, RelationshipName: "Is associated with "})
		}
		for _, sn := range v.SubnetIds {
			out = append(out, inventory.Relationship{ResourceType: "AWS::EC2::Subnet", ResourceID: sn, RelationshipName: "Is contained in "})
		}
	}
	return out
}
