package collect

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// Resource types of IAM principals and managed policies, as AWS Config
// records them (awsRegion "global"). Their configuration is Config's: the
// API's UserDetail, GroupDetail, RoleDetail and ManagedPolicyDetail from
// GetAccountAuthorizationDetails with lower-camel keys (userName, userId,
// userPolicyList [{policyName, policyDocument}], groupList,
// attachedManagedPolicies [{policyName, policyArn}], permissionsBoundary,
// tags; roles add assumeRolePolicyDocument, rolePolicyList,
// instanceProfileList; policies have policyVersionList [{document,
// versionId, isDefaultVersion, createDate}], defaultVersionId,
// attachmentCount, …). Policy documents are JSON objects (IAM returns them
// URL-encoded and Config delivers them so; checks read both).
//
// Policy items are the customer managed policies and the AWS managed
// policies that are attached to a principal (Config records only the
// former; CIS 2.14 and 2.20 need the latter).
//
// User items also carry, in supplementaryConfiguration, what Config does
// not record (a key is missing when its call failed; the item's errors
// then name the call):
//   - AccessKeys: [{accessKeyId, status ("Active" or "Inactive"),
//     createDate, lastUsedDate (absent when never used),
//     lastUsedServiceName, lastUsedRegion}]
//   - MfaDevices: [{serialNumber, enableDate}]
//   - LoginProfile: {"exists": false} for a user without a console
//     password, else {"exists": true, createDate, passwordResetRequired}
const (
	TypeIAMUser   = "AWS::IAM::User"
	TypeIAMGroup  = "AWS::IAM::Group"
	TypeIAMRole   = "AWS::IAM::Role"
	TypeIAMPolicy = "AWS::IAM::Policy"
)

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "iam",
		Global:        true,
		ResourceTypes: []string{TypeIAMUser, TypeIAMGroup, TypeIAMRole, TypeIAMPolicy},
		Permissions: []string{
			"iam:GetAccountAuthorizationDetails",
			"iam:GetAccessKeyLastUsed",
			"iam:GetLoginProfile",
			"iam:ListAccessKeys",
			"iam:ListMFADevices",
		},
		Collect: collectIAM,
	})
}

func collectIAM(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := iam.NewFromConfig(s.AWS)
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "get-account-authorization-details"},
		func(ctx context.Context) (*iam.GetAccountAuthorizationDetailsOutput, error) {
			return iamAuthorizationDetails(ctx, c)
		})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		for _, t := range []string{TypeIAMUser, TypeIAMGroup, TypeIAMRole, TypeIAMPolicy} {
			s.Gap(t, err)
		}
		return nil, nil
	}
	ix := newIAMIndex(out)
	var items, users []*inventory.Item
	for _, u := range out.UserDetailList {
		it := iamPrincipalItem(s, TypeIAMUser, u.UserId, u.UserName, u.Arn, u.CreateDate, u.Tags, u)
		for _, g := range u.GroupList {
			it.Relationships = append(it.Relationships, inventory.Relationship{
				ResourceType: TypeIAMGroup, ResourceID: ix.groupIDs[g], ResourceName: g, RelationshipName: "Is attached to Group",
			})
		}
		it.Relationships = append(it.Relationships, ix.policyRelationships(u.AttachedManagedPolicies)...)
		users = append(users, it)
	}
	if err := inventory.ForEach(ctx, s, users, func(ctx context.Context, it *inventory.Item) error {
		return iamUserCredentials(ctx, s, c, it)
	}); err != nil {
		return nil, err
	}
	items = append(items, users...)
	for _, g := range out.GroupDetailList {
		it := iamPrincipalItem(s, TypeIAMGroup, g.GroupId, g.GroupName, g.Arn, g.CreateDate, nil, g)
		for _, u := range ix.groupUsers[aws.ToString(g.GroupName)] {
			it.Relationships = append(it.Relationships, inventory.Relationship{
				ResourceType: TypeIAMUser, ResourceID: aws.ToString(u.UserId), ResourceName: aws.ToString(u.UserName), RelationshipName: "Contains User",
			})
		}
		it.Relationships = append(it.Relationships, ix.policyRelationships(g.AttachedManagedPolicies)...)
		items = append(items, it)
	}
	for _, r := range out.RoleDetailList {
		it := iamPrincipalItem(s, TypeIAMRole, r.RoleId, r.RoleName, r.Arn, r.CreateDate, r.Tags, r)
		it.Relationships = append(it.Relationships, ix.policyRelationships(r.AttachedManagedPolicies)...)
		items = append(items, it)
	}
	for _, p := range out.Policies {
		arn := aws.ToString(p.Arn)
		if iamAWSManaged(arn) && aws.ToInt32(p.AttachmentCount) == 0 && len(ix.attached[arn]) == 0 {
			continue
		}
		it := iamPrincipalItem(s, TypeIAMPolicy, aws.String(ix.policyID(arn)), aws.String(iamPolicyName(p)), p.Arn, p.CreateDate, nil, p)
		it.Relationships = ix.attached[arn]
		items = append(items, it)
	}
	return items, nil
}

// iamAuthorizationDetails calls GetAccountAuthorizationDetails and merges
// its pages into one answer, as the AWS CLI prints it.
func iamAuthorizationDetails(ctx context.Context, c *iam.Client) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	all := &iam.GetAccountAuthorizationDetailsOutput{}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all.UserDetailList = append(all.UserDetailList, page.UserDetailList...)
		all.GroupDetailList = append(all.GroupDetailList, page.GroupDetailList...)
		all.RoleDetailList = append(all.RoleDetailList, page.RoleDetailList...)
		all.Policies = append(all.Policies, page.Policies...)
	}
	return all, nil
}

// iamPrincipalItem builds the item of one user, group, role or policy.
func iamPrincipalItem(s *inventory.Scope, typ string, id, name, arn *string, created *time.Time, tags []types.Tag, detail any) *inventory.Item {
	it := s.NewItem(typ, aws.ToString(id), aws.ToString(name), aws.ToString(arn), detail)
	if created != nil {
		t := created.UTC()
		it.ResourceCreationTime = &t
	}
	for _, t := range tags {
		if it.Tags == nil {
			it.Tags = map[string]string{}
		}
		it.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return it
}

// iamAWSManaged reports whether a policy ARN names an AWS managed policy
// (arn:<partition>:iam::aws:policy/…).
func iamAWSManaged(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[4] == "aws"
}

// iamIndex relates the principals and policies of one
// GetAccountAuthorizationDetails answer, for Config's relationships.
type iamIndex struct {
	groupIDs   map[string]string                    // group name → id
	groupUsers map[string][]types.UserDetail        // group name → members
	policies   map[string]types.ManagedPolicyDetail // ARN → policy
	attached   map[string][]inventory.Relationship  // policy ARN → principals
}

func newIAMIndex(out *iam.GetAccountAuthorizationDetailsOutput) *iamIndex {
	ix := &iamIndex{
		groupIDs: map[string]string{}, groupUsers: map[string][]types.UserDetail{},
		policies: map[string]types.ManagedPolicyDetail{}, attached: map[string][]inventory.Relationship{},
	}
	for _, g := range out.GroupDetailList {
		ix.groupIDs[aws.ToString(g.GroupName)] = aws.ToString(g.GroupId)
	}
	for _, p := range out.Policies {
		ix.policies[aws.ToString(p.Arn)] = p
	}
	attach := func(policies []types.AttachedPolicy, typ, id, name, rel string) {
		for _, p := range policies {
			arn := aws.ToString(p.PolicyArn)
			ix.attached[arn] = append(ix.attached[arn], inventory.Relationship{ResourceType: typ, ResourceID: id, ResourceName: name, RelationshipName: rel})
		}
	}
	for _, u := range out.UserDetailList {
		for _, g := range u.GroupList {
			ix.groupUsers[g] = append(ix.groupUsers[g], u)
		}
		attach(u.AttachedManagedPolicies, TypeIAMUser, aws.ToString(u.UserId), aws.ToString(u.UserName), "Is attached to User")
	}
	for _, g := range out.GroupDetailList {
		attach(g.AttachedManagedPolicies, TypeIAMGroup, aws.ToString(g.GroupId), aws.ToString(g.GroupName), "Is attached to Group")
	}
	for _, r := range out.RoleDetailList {
		attach(r.AttachedManagedPolicies, TypeIAMRole, aws.ToString(r.RoleId), aws.ToString(r.RoleName), "Is attached to Role")
	}
	return ix
}

// policyRelationships are a principal's relationships to the customer
// managed policies attached to it (Config lists no AWS managed ones).
func (ix *iamIndex) policyRelationships(attached []types.AttachedPolicy) []inventory.Relationship {
	var out []inventory.Relationship
	for _, p := range attached {
		arn := aws.ToString(p.PolicyArn)
		if iamAWSManaged(arn) {
			continue
		}
		out = append(out, inventory.Relationship{
			ResourceType: TypeIAMPolicy, ResourceID: ix.policyID(arn),
			ResourceName: aws.ToString(p.PolicyName), RelationshipName: "Is attached to CustomerManagedPolicy",
		})
	}
	return out
}

// policyID is the id of the policy with arn, or the ARN when the answer
// lacks the id (moto omits it).
func (ix *iamIndex) policyID(arn string) string {
	if id := aws.ToString(ix.policies[arn].PolicyId); id != "" {
		return id
	}
	return arn
}

// iamPolicyName is the policy's name, from its ARN when the answer lacks
// it (moto omits it).
func iamPolicyName(p types.ManagedPolicyDetail) string {
	if n := aws.ToString(p.PolicyName); n != "" {
		return n
	}
	arn := aws.ToString(p.Arn)
	return arn[strings.LastIndexByte(arn, '/')+1:]
}
