package baseline

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// sessionName names Vigil's sessions in the audited accounts' CloudTrail.
const sessionName = "vigil-baseline"

// CallerAccount returns the account cfg's credentials act in.
func CallerAccount(ctx context.Context, cfg aws.Config) (string, error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("find the caller's account (sts:GetCallerIdentity): %w", err)
	}
	return aws.ToString(out.Account), nil
}

// Organization returns the organization cfg's account belongs to and its
// active accounts, sorted. It needs the management account or a delegated
// administrator (organizations:ListAccounts).
func Organization(ctx context.Context, cfg aws.Config) (id string, accounts []string, err error) {
	c := organizations.NewFromConfig(cfg)
	org, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		return "", nil, fmt.Errorf("describe the organization: %w", err)
	}
	pages := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("list the organization's accounts: %w", err)
		}
		for _, a := range page.Accounts {
			if a.Status == orgtypes.AccountStatusActive || a.State == orgtypes.AccountStateActive {
				accounts = append(accounts, aws.ToString(a.Id))
			}
		}
	}
	slices.Sort(accounts)
	return aws.ToString(org.Organization.Id), accounts, nil
}

// EnabledRegions returns the regions enabled for cfg's account, sorted.
func EnabledRegions(ctx context.Context, cfg aws.Config) ([]string, error) {
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, fmt.Errorf("list the enabled regions (ec2:DescribeRegions): %w", err)
	}
	var regions []string
	for _, r := range out.Regions {
		regions = append(regions, aws.ToString(r.RegionName))
	}
	slices.Sort(regions)
	return regions, nil
}

// AssumeRole returns a copy of cfg acting as roleName in account, through
// sts:AssumeRole with cfg's credentials (which, for a role requiring MFA,
// must come from an MFA session: see MFASession).
func AssumeRole(ctx context.Context, cfg aws.Config, account, roleName string) (aws.Config, error) {
	arn := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition(cfg.Region), account, roleName)
	out, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &arn, RoleSessionName: aws.String(sessionName)})
	if err != nil {
		return aws.Config{}, fmt.Errorf("assume %s: %w", arn, err)
	}
	c := out.Credentials
	assumed := cfg.Copy()
	assumed.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
		aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)))
	return assumed, nil
}

// MFASession returns a copy of cfg whose credentials are a session
// authenticated with the MFA device serial and a current token code
// (sts:GetSessionToken), so that roles requiring MFA can be assumed with
// it, in any number of accounts, with one code.
func MFASession(ctx context.Context, cfg aws.Config, serial, code string, d time.Duration) (aws.Config, error) {
	secs := int32(d / time.Second)
	out, err := sts.NewFromConfig(cfg).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: &serial, TokenCode: &code, DurationSeconds: &secs})
	if err != nil {
		return aws.Config{}, fmt.Errorf("start an MFA session with %s: %w", serial, err)
	}
	c := out.Credentials
	s := cfg.Copy()
	s.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
		aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)))
	return s, nil
}

// partition returns the ARN partition of a region.
func partition(region string) string {
	switch {
	case len(region) > 3 && region[:3] == "cn-":
		return "aws-cn"
	case len(region) > 7 && region[:7] == "us-gov-":
		return "aws-us-gov"
	}
	return "aws"
}
