package collect

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeS3Bucket is an S3 bucket in AWS Config's shape. configuration is
// {name, owner: {displayName, id}, creationDate}; supplementaryConfiguration
// uses Config's keys:
//
//   - AccessControlList: a JSON string, as Config writes it:
//     {"grantSet":null,"grantList":[{"grantee":…,"permission":"FullControl"}],"owner":{…},"isRequesterCharged":false}
//     where a grantee is {"id","displayName"} for a canonical user, the
//     group's name ("AllUsers", "AuthenticatedUsers", "LogDelivery") for a
//     group, and permissions are FullControl, Read, Write, ReadAcp, WriteAcp.
//   - BucketAccelerateConfiguration {status}
//   - BucketLoggingConfiguration {destinationBucketName, logFilePrefix}
//     (both null when access logging is off)
//   - BucketPolicy {policyText} (null when the bucket has no policy)
//   - BucketVersioningConfiguration {status: Off|Enabled|Suspended, isMfaDeleteEnabled}
//   - PublicAccessBlockConfiguration {blockPublicAcls, ignorePublicAcls,
//     blockPublicPolicy, restrictPublicBuckets}, absent when the bucket has
//     no public access block
//   - ServerSideEncryptionConfiguration {rules: [{applyServerSideEncryptionByDefault:
//     {sseAlgorithm, kmsMasterKeyID}, bucketKeyEnabled}]}, absent when none
//   - IsRequesterPaysEnabled (boolean)
//   - BucketTaggingConfiguration {tagSets: [{tags: {key: value}}]} when tagged
//     (the tags are also the item's tags)
//
// and two keys of Vigil's own: ObjectLockConfiguration (the API's, in
// lower camel case: {objectLockEnabled, rule: {defaultRetention: {mode,
// days, years}}}) when Object Lock is on, and BucketPolicyStatus {isPublic}
// (S3's own verdict on the policy) when the bucket has a policy.
//
// The item's awsRegion is the bucket's region, and the per-bucket calls go
// to that region. A per-bucket call that fails is recorded on the item
// (vigilCollectionErrors) and the key it would fill is left out.
const TypeS3Bucket = "AWS::S3::Bucket"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "s3",
		Global:        true,
		ResourceTypes: []string{TypeS3Bucket, TypeS3AccountPublicAccessBlock},
		Permissions: []string{
			"s3:GetAccountPublicAccessBlock",
			"s3:ListAllMyBuckets",
			"s3:GetBucketLocation",
			"s3:GetBucketPolicy",
			"s3:GetBucketPolicyStatus",
			"s3:GetBucketAcl",
			"s3:GetBucketPublicAccessBlock",
			"s3:GetEncryptionConfiguration",
			"s3:GetBucketVersioning",
			"s3:GetBucketLogging",
			"s3:GetBucketTagging",
			"s3:GetBucketObjectLockConfiguration",
			"s3:GetAccelerateConfiguration",
			"s3:GetBucketRequestPayment",
		},
		Collect: collectS3,
	})
}

func collectS3(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	var items []*inventory.Item
	if it := collectAccountPublicAccessBlock(ctx, s); it != nil {
		items = append(items, it)
	}
	buckets, err := collectS3Buckets(ctx, s)
	return append(items, buckets...), err
}

// collectS3Buckets lists the account's buckets (once; ListBuckets is
// global) and describes each in its own region.
func collectS3Buckets(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := awsapi.S3Client(s.AWS, s.Endpoint)
	list, err := inventory.Call(ctx, s, inventory.Op{Service: "s3", Operation: "list-buckets", Permission: "s3:ListAllMyBuckets"},
		func(ctx context.Context) (*s3.ListBucketsOutput, error) {
			merged := &s3.ListBucketsOutput{}
			p := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				merged.Buckets = append(merged.Buckets, page.Buckets...)
				merged.Owner = page.Owner
			}
			return merged, nil
		})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.Gap(TypeS3Bucket, err)
		return nil, nil
	}
	clients := &s3RegionClients{s: s, byRegion: map[string]*s3.Client{s.APIRegion: c}}
	items := make([]*inventory.Item, len(list.Buckets))
	idx := make([]int, len(list.Buckets))
	for i := range idx {
		idx[i] = i
	}
	err = inventory.ForEach(ctx, s, idx, func(ctx context.Context, i int) error {
		items[i] = describeS3Bucket(ctx, s, clients, list.Buckets[i], list.Owner)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// s3RegionClients hands out one S3 client per bucket region.
type s3RegionClients struct {
	s        *inventory.Scope
	mu       sync.Mutex
	byRegion map[string]*s3.Client
}

func (r *s3RegionClients) get(region string) *s3.Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := r.byRegion[region]
	if !ok {
		cfg := r.s.AWS.Copy()
		cfg.Region = region
		c = awsapi.S3Client(cfg, r.s.Endpoint)
		r.byRegion[region] = c
	}
	return c
}

// s3Bucket is one bucket being described.
type s3Bucket struct {
	s    *inventory.Scope
	name string
	it   *inventory.Item
}

// s3BucketCall runs one per-bucket call. It returns the output, or nil when S3
// answered with one of the notConfigured codes (an answer: the bucket has
// no such configuration) or the call failed (recorded on the item).
func s3BucketCall[T any](ctx context.Context, b *s3Bucket, operation, permission string, notConfigured []string, fn func(context.Context) (*T, error)) *T {
	out, err := inventory.Call(ctx, b.s, inventory.Op{Service: "s3", Operation: operation, Resource: b.name, Permission: permission}, fn)
	if err == nil || inventory.IsCode(err, notConfigured...) {
		return out
	}
	var ce *inventory.CallError
	if errors.As(err, &ce) {
		b.it.Errors = append(b.it.Errors, *ce)
	}
	return nil
}

// failed reports whether the call needing permission failed on the item.
func (b *s3Bucket) failed(permission string) bool {
	for _, e := range b.it.Errors {
		if e.Permission == permission {
			return true
		}
	}
	return false
}

func (b *s3Bucket) set(key string, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		return
	}
	b.it.SupplementaryConfiguration[key] = raw
}

func describeS3Bucket(ctx context.Context, s *inventory.Scope, clients *s3RegionClients, bk s3types.Bucket, owner *s3types.Owner) *inventory.Item {
	name := aws.ToString(bk.Name)
	created := aws.ToTime(bk.CreationDate).UTC()
	conf := map[string]any{"name": name, "owner": s3ConfigOwner(owner), "creationDate": nil}
	if !created.IsZero() {
		conf["creationDate"] = created.Format("2006-01-02T15:04:05.000Z")
	}
	confJSON, _ := json.Marshal(conf)
	it := s.NewItem(TypeS3Bucket, name, name, "arn:"+s3Partition(s.APIRegion)+":s3:::"+name, json.RawMessage(confJSON))
	it.SupplementaryConfiguration = map[string]json.RawMessage{}
	if !created.IsZero() {
		it.ResourceCreationTime = &created
	}
	b := &s3Bucket{s: s, name: name, it: it}

	// ListBuckets names each bucket's region (newer API versions and CLI
	// recordings); GetBucketLocation answers for the others.
	region := aws.ToString(bk.BucketRegion)
	if region == "" {
		loc := s3BucketCall(ctx, b, "get-bucket-location", "", nil, func(ctx context.Context) (*s3.GetBucketLocationOutput, error) {
			return clients.get(s.APIRegion).GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &name})
		})
		region = s.APIRegion // the location could not be read: try the global region
		if loc != nil {
			region = s3LocationRegion(string(loc.LocationConstraint))
		}
	}
	it.Region = region
	c := clients.get(region)

	describeS3BucketAccess(ctx, b, c)
	describeS3BucketSettings(ctx, b, c)
	return it
}

// describeS3BucketAccess records who may access the bucket: policy,
// policy status, ACL and public access block.
func describeS3BucketAccess(ctx context.Context, b *s3Bucket, c *s3.Client) {
	bucket := &b.name
	pol := s3BucketCall(ctx, b, "get-bucket-policy", "", []string{"NoSuchBucketPolicy"}, func(ctx context.Context) (*s3.GetBucketPolicyOutput, error) {
		return c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
	})
	switch {
	case pol != nil && aws.ToString(pol.Policy) != "":
		b.set("BucketPolicy", map[string]any{"policyText": aws.ToString(pol.Policy)})
		st := s3BucketCall(ctx, b, "get-bucket-policy-status", "", []string{"NoSuchBucketPolicy"}, func(ctx context.Context) (*s3.GetBucketPolicyStatusOutput, error) {
			return c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: bucket})
		})
		if st != nil && st.PolicyStatus != nil && st.PolicyStatus.IsPublic != nil {
			b.set("BucketPolicyStatus", map[string]any{"isPublic": *st.PolicyStatus.IsPublic})
		}
	case !b.failed("s3:GetBucketPolicy"):
		b.set("BucketPolicy", map[string]any{"policyText": nil})
	}

	if acl := s3BucketCall(ctx, b, "get-bucket-acl", "", nil, func(ctx context.Context) (*s3.GetBucketAclOutput, error) {
		return c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: bucket})
	}); acl != nil {
		b.set("AccessControlList", s3ConfigACL(acl))
	}

	if pab := s3BucketCall(ctx, b, "get-public-access-block", "s3:GetBucketPublicAccessBlock", []string{"NoSuchPublicAccessBlockConfiguration"}, func(ctx context.Context) (*s3.GetPublicAccessBlockOutput, error) {
		return c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
	}); pab != nil && pab.PublicAccessBlockConfiguration != nil {
		p := pab.PublicAccessBlockConfiguration
		b.set("PublicAccessBlockConfiguration", map[string]any{
			"blockPublicAcls":       aws.ToBool(p.BlockPublicAcls),
			"ignorePublicAcls":      aws.ToBool(p.IgnorePublicAcls),
			"blockPublicPolicy":     aws.ToBool(p.BlockPublicPolicy),
			"restrictPublicBuckets": aws.ToBool(p.RestrictPublicBuckets),
		})
	}
}

// describeS3BucketSettings records encryption, versioning, logging, tags,
// Object Lock, Transfer Acceleration and Requester Pays.
func describeS3BucketSettings(ctx context.Context, b *s3Bucket, c *s3.Client) {
	bucket := &b.name
	if enc := s3BucketCall(ctx, b, "get-bucket-encryption", "s3:GetEncryptionConfiguration", []string{"ServerSideEncryptionConfigurationNotFoundError"}, func(ctx context.Context) (*s3.GetBucketEncryptionOutput, error) {
		return c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bucket})
	}); enc != nil && enc.ServerSideEncryptionConfiguration != nil {
		rules := []any{}
		for _, r := range enc.ServerSideEncryptionConfiguration.Rules {
			rule := map[string]any{"applyServerSideEncryptionByDefault": nil, "bucketKeyEnabled": r.BucketKeyEnabled}
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				rule["applyServerSideEncryptionByDefault"] = map[string]any{"sseAlgorithm": string(d.SSEAlgorithm), "kmsMasterKeyID": d.KMSMasterKeyID}
			}
			rules = append(rules, rule)
		}
		b.set("ServerSideEncryptionConfiguration", map[string]any{"rules": rules})
	}

	if v := s3BucketCall(ctx, b, "get-bucket-versioning", "", nil, func(ctx context.Context) (*s3.GetBucketVersioningOutput, error) {
		return c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
	}); v != nil {
		status := string(v.Status)
		if status == "" {
			status = "Off" // never enabled; Config's spelling
		}
		var mfa any // null when S3 does not say, as in Config
		switch v.MFADelete {
		case s3types.MFADeleteStatusEnabled:
			mfa = true
		case s3types.MFADeleteStatusDisabled:
			mfa = false
		}
		b.set("BucketVersioningConfiguration", map[string]any{"status": status, "isMfaDeleteEnabled": mfa})
	}

	if l := s3BucketCall(ctx, b, "get-bucket-logging", "", nil, func(ctx context.Context) (*s3.GetBucketLoggingOutput, error) {
		return c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: bucket})
	}); l != nil {
		conf := map[string]any{"destinationBucketName": nil, "logFilePrefix": nil}
		if e := l.LoggingEnabled; e != nil {
			conf["destinationBucketName"], conf["logFilePrefix"] = e.TargetBucket, e.TargetPrefix
		}
		b.set("BucketLoggingConfiguration", conf)
	}

	if t := s3BucketCall(ctx, b, "get-bucket-tagging", "", []string{"NoSuchTagSet", "NoSuchTagSetError"}, func(ctx context.Context) (*s3.GetBucketTaggingOutput, error) {
		return c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: bucket})
	}); t != nil && len(t.TagSet) > 0 {
		tags := map[string]string{}
		for _, tag := range t.TagSet {
			tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		b.it.Tags = tags
		b.set("BucketTaggingConfiguration", map[string]any{"tagSets": []any{map[string]any{"tags": tags}}})
	}

	if ol := s3BucketCall(ctx, b, "get-object-lock-configuration", "s3:GetBucketObjectLockConfiguration", []string{"ObjectLockConfigurationNotFoundError"}, func(ctx context.Context) (*s3.GetObjectLockConfigurationOutput, error) {
		return c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket})
	}); ol != nil && ol.ObjectLockConfiguration != nil {
		b.it.SupplementaryConfiguration["ObjectLockConfiguration"] = inventory.ConfigJSON(ol.ObjectLockConfiguration)
	}

	if acc := s3BucketCall(ctx, b, "get-bucket-accelerate-configuration", "s3:GetAccelerateConfiguration", nil, func(ctx context.Context) (*s3.GetBucketAccelerateConfigurationOutput, error) {
		return c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: bucket})
	}); acc != nil {
		var status any
		if acc.Status != "" {
			status = string(acc.Status)
		}
		b.set("BucketAccelerateConfiguration", map[string]any{"status": status})
	}

	if rp := s3BucketCall(ctx, b, "get-bucket-request-payment", "", nil, func(ctx context.Context) (*s3.GetBucketRequestPaymentOutput, error) {
		return c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: bucket})
	}); rp != nil {
		b.set("IsRequesterPaysEnabled", rp.Payer == s3types.PayerRequester)
	}
}

// s3LocationRegion turns a LocationConstraint into a region: none means
// us-east-1 and the legacy "EU" means eu-west-1.
func s3LocationRegion(constraint string) string {
	switch constraint {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return constraint
}

// s3Partition returns the ARN partition of region.
func s3Partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func s3ConfigOwner(o *s3types.Owner) map[string]any {
	if o == nil {
		return nil
	}
	return map[string]any{"displayName": o.DisplayName, "id": o.ID}
}

// s3GroupPrefixes are the URI prefixes of S3's predefined groups; Config
// names a group grantee by the group's last path element.
var s3GroupPrefixes = []string{"http://acs.amazonaws.com/groups/global/", "http://acs.amazonaws.com/groups/s3/"}

// s3ConfigPermissions map the API's ACL permissions to Config's spelling.
var s3ConfigPermissions = map[s3types.Permission]string{
	s3types.PermissionFullControl: "FullControl",
	s3types.PermissionRead:        "Read",
	s3types.PermissionWrite:       "Write",
	s3types.PermissionReadAcp:     "ReadAcp",
	s3types.PermissionWriteAcp:    "WriteAcp",
}

// s3ConfigACLDoc is a bucket ACL as Config serialises it (field order
// included).
type s3ConfigACLDoc struct {
	GrantSet           any             `json:"grantSet"`
	GrantList          []s3ConfigGrant `json:"grantList"`
	Owner              any             `json:"owner"`
	IsRequesterCharged bool            `json:"isRequesterCharged"`
}

type s3ConfigGrant struct {
	Grantee    any    `json:"grantee"`
	Permission string `json:"permission"`
}

// s3CanonicalGrantee is Config's spelling of a canonical-user grantee
// and of an owner.
type s3CanonicalGrantee struct {
	ID          *string `json:"id"`
	DisplayName *string `json:"displayName"`
}

// s3ConfigACL renders a bucket ACL as the JSON string Config stores in
// supplementaryConfiguration.AccessControlList.
func s3ConfigACL(out *s3.GetBucketAclOutput) string {
	doc := s3ConfigACLDoc{GrantList: []s3ConfigGrant{}}
	if out.Owner != nil {
		doc.Owner = s3CanonicalGrantee{ID: out.Owner.ID, DisplayName: out.Owner.DisplayName}
	}
	for _, g := range out.Grants {
		perm, ok := s3ConfigPermissions[g.Permission]
		if !ok {
			perm = string(g.Permission)
		}
		doc.GrantList = append(doc.GrantList, s3ConfigGrant{Grantee: s3ConfigGrantee(g.Grantee), Permission: perm})
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

func s3ConfigGrantee(g *s3types.Grantee) any {
	if g == nil {
		return nil
	}
	switch g.Type {
	case s3types.TypeGroup:
		uri := aws.ToString(g.URI)
		for _, p := range s3GroupPrefixes {
			if name, ok := strings.CutPrefix(uri, p); ok {
				return name
			}
		}
		return map[string]any{"identifier": uri, "typeIdentifier": "uri"}
	case s3types.TypeAmazonCustomerByEmail:
		return map[string]any{"identifier": aws.ToString(g.EmailAddress), "typeIdentifier": "emailAddress"}
	}
	return s3CanonicalGrantee{ID: g.ID, DisplayName: g.DisplayName}
}
