package baseline

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// trailKeyAlias is the central CloudTrail key's alias (the template's
// alias/${TrailName}-cloudtrail with the default TrailName).
const trailKeyAlias = "alias/vigil-baseline-cloudtrail"

// needsTrailKey reports whether s is the invitation mode's CloudTrail
// StackSet, whose member instances need the central key's ARN as the
// KeyArn parameter: a key alias does not work across accounts, and the ARN
// exists only once the main account's instance has created the key.
func needsTrailKey(s StackSet) bool {
	return s.Short == "cloudtrail" && slices.ContainsFunc(s.Parameters, func(p Parameter) bool { return p.Key == "KeyArn" })
}

// trailKeyARN returns the central key's ARN, or "" when it does not exist
// yet.
func (d *deployer) trailKeyARN(ctx context.Context) (string, error) {
	cfg, err := d.configIn(ctx, d.main.Account)
	if err != nil {
		return "", fmt.Errorf("find the CloudTrail key in the main account: %w", err)
	}
	// ListAliases rather than DescribeKey of the alias, which some
	// emulators answer with a server error when the alias is missing.
	pages := kms.NewListAliasesPaginator(kms.NewFromConfig(cfg, func(o *kms.Options) { o.Region = d.main.Region }), &kms.ListAliasesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("find the CloudTrail key %s in %s: %w", trailKeyAlias, d.main.Region, err)
		}
		for _, a := range page.Aliases {
			if aws.ToString(a.AliasName) == trailKeyAlias && aws.ToString(a.TargetKeyId) != "" {
				return fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", partition(d.main.Region), d.main.Region, d.main.Account, aws.ToString(a.TargetKeyId)), nil
			}
		}
	}
	return "", nil
}

// withParameter returns a copy of s with parameter key set to value.
func (s StackSet) withParameter(key, value string) StackSet {
	s.Parameters = slices.Clone(s.Parameters)
	for i := range s.Parameters {
		if s.Parameters[i].Key == key {
			s.Parameters[i].Value = value
		}
	}
	return s
}

// configIn returns a configuration acting in account: the caller's own, or
// an assumed role (DeployOptions.AssumeRole, by default the StackSets
// execution role).
func (d *deployer) configIn(ctx context.Context, account string) (aws.Config, error) {
	if d.caller == "" {
		caller, err := CallerAccount(ctx, d.o.AWS)
		if err != nil {
			return aws.Config{}, err
		}
		d.caller = caller
	}
	if account == d.caller {
		return d.o.AWS, nil
	}
	if d.o.AssumeRole != nil {
		return d.o.AssumeRole(ctx, account)
	}
	role := d.o.ExecutionRoleName
	if role == "" {
		role = "AWSCloudFormationStackSetExecutionRole"
	}
	return AssumeRole(ctx, d.o.AWS, account, role)
}
