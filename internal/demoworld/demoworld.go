// Package demoworld seeds a small, deliberately misconfigured AWS
// Organization into an AWS emulator (moto) through the AWS SDK: the world
// `vigil demo` audits and the audit tests start from. Every call is a
// plain SDK call against the given endpoint; nothing here is specific to
// moto except that it expects a fresh emulator.
package demoworld

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/vigil-sec/vigil/internal/awsapi"
)

// AuditRole is the role created in every member account.
const AuditRole = "AssumableSecurityAuditRole"

// World is what Seed created.
type World struct {
	Management string            // the management account id
	Accounts   map[string]string // member name -> account id
	Names      []string          // member names in creation order
}

// Seed creates an organization with the named member accounts, an audit
// role trusted by the management account in each, and misconfigurations
// the checks find: a weak password policy, a user with a console password
// and no MFA, an administrator policy attached to a user, an S3 bucket
// open to the world, SSH open to the internet.
func Seed(ctx context.Context, cfg aws.Config, endpoint awsapi.Options, members ...string) (*World, error) {
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	w := &World{Management: aws.ToString(id.Account), Accounts: map[string]string{}}
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		return nil, fmt.Errorf("seed: create organization: %w", err)
	}
	for _, name := range members {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(name), Email: aws.String(name + "@example.com")})
		if err != nil {
			return nil, fmt.Errorf("seed: create account %s: %w", name, err)
		}
		acct := aws.ToString(out.CreateAccountStatus.AccountId)
		w.Accounts[name] = acct
		w.Names = append(w.Names, name)
		mcfg := cfg.Copy()
		mcfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg),
			"arn:aws:iam::"+acct+":role/OrganizationAccountAccessRole"))
		if err := seedAccount(ctx, mcfg, endpoint, w.Management, acct, name); err != nil {
			return nil, fmt.Errorf("seed: account %s (%s): %w", name, acct, err)
		}
	}
	return w, nil
}

func seedAccount(ctx context.Context, cfg aws.Config, endpoint awsapi.Options, mgmt, acct, name string) error {
	c := iam.NewFromConfig(cfg)
	trust := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"sts:AssumeRole"}]}`, mgmt)
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(AuditRole), AssumeRolePolicyDocument: &trust}); err != nil {
		return err
	}
	if _, err := c.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(8)}); err != nil {
		return err
	}
	user := "dev-" + name
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: &user}); err != nil {
		return err
	}
	if _, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: &user, Password: aws.String("Demo-password-1")}); err != nil {
		return err
	}
	if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &user}); err != nil {
		return err
	}
	admin := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("everything"), PolicyDocument: &admin})
	if err != nil {
		return err
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: &user, PolicyArn: pol.Policy.Arn}); err != nil {
		return err
	}
	s := awsapi.S3Client(cfg, endpoint)
	bucket := strings.ToLower("vigil-demo-" + name + "-" + acct)
	if _, err := s.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		return err
	}
	public := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::%s/*"}]}`, bucket)
	if _, err := s.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &public}); err != nil {
		return err
	}
	e := ec2.NewFromConfig(cfg)
	sg, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("ssh-from-anywhere"), Description: aws.String("demo")})
	if err != nil {
		return err
	}
	_, err = e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId,
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}})
	return err
}
