package checks

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// Helpers of the S3 and Lambda checks: bucket settings read from Config's
// supplementaryConfiguration keys, S3 Block Public Access, bucket ACLs and
// the evaluation of resource-based policies (bucket and function
// policies) for public access.

// Resource types these checks read.
const (
	s3TypeBucket       = collect.TypeS3Bucket
	s3TypeAccountBlock = collect.TypeS3AccountPublicAccessBlock
	lambdaTypeFunction = collect.TypeLambdaFunction
	s3TypeTrail        = "AWS::CloudTrail::Trail" // Config's trail shape: configuration.name, s3BucketName
)

// s3CallFailed returns the reason a check cannot decide because the call
// needing permission failed while it was collected ("" when it did not).
func s3CallFailed(it *inventory.Item, permission string) string {
	for i := range it.Errors {
		if it.Errors[i].Permission == permission {
			return it.Errors[i].Reason()
		}
	}
	return ""
}

// s3EachBucket evaluates fn over every bucket: ERROR when the buckets
// could not be listed, NOT_APPLICABLE when there are none.
func s3EachBucket(a *compliance.Account, fn func(it *inventory.Item) compliance.Result) []compliance.Result {
	if gap := a.Gap("", s3TypeBucket); gap != nil {
		return []compliance.Result{compliance.GapResult(inventory.GlobalRegion, s3TypeBucket, gap)}
	}
	buckets := a.Items(s3TypeBucket)
	if len(buckets) == 0 {
		return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, s3TypeBucket, compliance.NotApplicable, "the account has no S3 buckets")}
	}
	out := make([]compliance.Result, 0, len(buckets))
	for _, it := range buckets {
		out = append(out, fn(it))
	}
	return out
}

// s3EachBucketPolicy evaluates fn over every bucket (as s3EachBucket)
// with its name and policy, nil when it has none; a bucket whose policy
// could not be read answers ERROR.
func s3EachBucketPolicy(a *compliance.Account, fn func(it *inventory.Item, name string, doc map[string]any) compliance.Result) []compliance.Result {
	return s3EachBucket(a, func(it *inventory.Item) compliance.Result {
		name := s3BucketName(it)
		doc, why := s3BucketPolicy(it)
		if why != "" {
			return compliance.ErrorFor(it, "cannot read the policy of bucket %s: %s", name, why)
		}
		return fn(it, name, doc)
	})
}

// s3BucketName is the bucket's name (configuration.name, else the id).
func s3BucketName(it *inventory.Item) string {
	if n := inventory.Str(it.Conf(), "name"); n != "" {
		return n
	}
	return it.ResourceID
}

// s3BucketPolicy returns the bucket policy (nil when the bucket has none)
// or why it is unknown.
func s3BucketPolicy(it *inventory.Item) (map[string]any, string) {
	if why := s3CallFailed(it, "s3:GetBucketPolicy"); why != "" {
		return nil, why
	}
	text := inventory.Get(it.Supp(), "BucketPolicy", "policyText")
	if text == nil || text == "" {
		return nil, ""
	}
	doc := inventory.PolicyDoc(text)
	if doc == nil {
		return nil, fmt.Sprintf("the bucket policy of %s is not a JSON policy document", s3BucketName(it))
	}
	return doc, ""
}

// s3Block is a set of S3 Block Public Access settings.
type s3Block struct {
	BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets bool
}

// s3BlockNames are the settings' names, in the order S3 lists them.
var s3BlockNames = []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}

func s3BlockOf(conf map[string]any) s3Block {
	get := func(k string) bool { v, _ := inventory.Bool(conf, k); return v }
	return s3Block{get("blockPublicAcls"), get("ignorePublicAcls"), get("blockPublicPolicy"), get("restrictPublicBuckets")}
}

func (b s3Block) values() []bool {
	return []bool{b.BlockPublicAcls, b.IgnorePublicAcls, b.BlockPublicPolicy, b.RestrictPublicBuckets}
}

// s3BucketBlock returns the bucket's own public access block (all off when
// it has none) or why it is unknown.
func s3BucketBlock(it *inventory.Item) (s3Block, string) {
	if why := s3CallFailed(it, "s3:GetBucketPublicAccessBlock"); why != "" {
		return s3Block{}, why
	}
	return s3BlockOf(inventory.Obj(it.Supp(), "PublicAccessBlockConfiguration")), ""
}

// s3AccountBlock returns the account-level public access block (all off
// when the snapshot has none) or why it is unknown.
func s3AccountBlock(a *compliance.Account) (s3Block, string) {
	if gap := a.Gap("", s3TypeAccountBlock); gap != nil {
		return s3Block{}, gap.Reason()
	}
	if it := a.One(s3TypeAccountBlock); it != nil {
		return s3BlockOf(it.Conf()), ""
	}
	return s3Block{}, ""
}

// s3Setting is one effective Block Public Access setting of a bucket: on
// when the bucket or the account turns it on; unknown (with the reason)
// when it is off where known and one of the two could not be read.
type s3Setting struct {
	on      bool
	unknown string
	where   string // "bucket" or "account": where it is on
}

// s3Effective combines bucket- and account-level settings.
func s3Effective(bucket s3Block, bucketWhy string, account s3Block, accountWhy string) []s3Setting {
	out := make([]s3Setting, len(s3BlockNames))
	bv, av := bucket.values(), account.values()
	for i := range out {
		switch {
		case bv[i]:
			out[i] = s3Setting{on: true, where: "bucket"}
		case av[i]:
			out[i] = s3Setting{on: true, where: "account"}
		case bucketWhy != "":
			out[i] = s3Setting{unknown: bucketWhy}
		case accountWhy != "":
			out[i] = s3Setting{unknown: accountWhy}
		}
	}
	return out
}

// s3Grant is one ACL grant: grantee group ("AllUsers", "AuthenticatedUsers"
// or "" for anyone else), permission in lower case without separators
// (fullcontrol, read, write, readacp, writeacp) and as written (label).
type s3Grant struct {
	group, permission, label string
}

// s3PublicGroups are the ACL groups that make a grant public.
var s3PublicGroups = map[string]bool{"AllUsers": true, "AuthenticatedUsers": true}

// s3ACL returns the bucket ACL's grants, read from Config's JSON string or
// object ({grantList|grantSet: [{grantee, permission}]}) or the API's
// shape ({Grants: [{Grantee: {Type, URI}, Permission}]}), or why they are
// unknown.
func s3ACL(it *inventory.Item) ([]s3Grant, string) {
	if why := s3CallFailed(it, "s3:GetBucketAcl"); why != "" {
		return nil, why
	}
	v := it.Supp()["AccessControlList"]
	if s, ok := v.(string); ok {
		var x any
		if err := json.Unmarshal([]byte(s), &x); err != nil {
			return nil, fmt.Sprintf("the ACL of %s is not JSON: %v", s3BucketName(it), err)
		}
		v = x
	}
	list := inventory.List(v, "grantList")
	if list == nil {
		list = inventory.List(v, "grantSet")
	}
	if list == nil {
		list = inventory.List(v, "grants")
	}
	var out []s3Grant
	for _, g := range list {
		label := inventory.Str(g, "permission")
		perm := strings.ToLower(strings.ReplaceAll(label, "_", ""))
		out = append(out, s3Grant{group: s3GranteeGroup(inventory.Get(g, "grantee")), permission: perm, label: label})
	}
	return out, ""
}

// s3GranteeGroup names the public group a grantee is, in any of the
// spellings Config and the API use: "AllUsers", a group URI, or an object
// with uri/identifier.
func s3GranteeGroup(g any) string {
	var candidates []string
	switch x := g.(type) {
	case string:
		candidates = []string{x}
	case map[string]any:
		candidates = []string{inventory.Str(x, "uri"), inventory.Str(x, "identifier"), inventory.Str(x, "id")}
	}
	for _, c := range candidates {
		if name := path.Base(c); s3PublicGroups[name] {
			return name
		}
	}
	return ""
}

// Representative S3 actions: a statement allowing any of them lets its
// principal read (list or download) or write (upload, delete, change
// permissions) the bucket.
var (
	s3ReadActions  = []string{"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"}
	s3WriteActions = []string{"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl",
		"s3:PutObjectVersionAcl", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:DeleteBucket",
		"s3:RestoreObject", "s3:AbortMultipartUpload", "s3:ReplicateObject", "s3:PutLifecycleConfiguration"}
)

// s3ACLReadPerms and s3ACLWritePerms are the ACL permissions that read or
// write.
var (
	s3ACLReadPerms  = map[string]bool{"read": true, "readacp": true, "fullcontrol": true}
	s3ACLWritePerms = map[string]bool{"write": true, "writeacp": true, "fullcontrol": true}
)

// s3PublicAccess evaluates whether anyone may read (write when write) the
// bucket through its ACL or its policy once the effective Block Public
// Access settings apply. It returns the exposures found (each names the
// grant or statement), the blocks that neutralise public grants, and,
// when no exposure is certain, why the answer is unknown.
func s3PublicAccess(a *compliance.Account, it *inventory.Item, write bool) (exposed, blocked []string, unknown string) {
	bucketBlock, bucketWhy := s3BucketBlock(it)
	accountBlock, accountWhy := s3AccountBlock(a)
	eff := s3Effective(bucketBlock, bucketWhy, accountBlock, accountWhy)
	ignoreACLs, restrict := eff[1], eff[3]
	perms, actions, verb := s3ACLReadPerms, s3ReadActions, "read"
	if write {
		perms, actions, verb = s3ACLWritePerms, s3WriteActions, "write"
	}

	// A grant that is public unless a setting we could not read blocks it
	// leaves the answer unknown.
	note := func(setting s3Setting, name, finding string) {
		if setting.unknown != "" {
			if unknown == "" {
				unknown = fmt.Sprintf("%s, and whether %s blocks it is unknown: %s", finding, name, setting.unknown)
			}
			return
		}
		exposed = append(exposed, finding)
	}

	if ignoreACLs.on {
		blocked = append(blocked, "IgnorePublicAcls is on at "+ignoreACLs.where+" level")
	} else if grants, why := s3ACL(it); why != "" {
		unknown = why
	} else {
		for _, g := range grants {
			if g.group != "" && perms[g.permission] {
				note(ignoreACLs, "IgnorePublicAcls", fmt.Sprintf("the ACL grants %s to %s", g.label, g.group))
			}
		}
	}

	if restrict.on {
		blocked = append(blocked, "RestrictPublicBuckets is on at "+restrict.where+" level")
	} else if doc, why := s3BucketPolicy(it); why != "" {
		if unknown == "" {
			unknown = why
		}
	} else {
		for i, st := range rpStatements(doc) {
			who, public := rpPublicAllow(st)
			if !public {
				continue
			}
			if got := rpCovered(st, actions); len(got) > 0 {
				note(restrict, "RestrictPublicBuckets", fmt.Sprintf("policy statement %s allows %s to %s (%s)", rpSid(st, i), who, verb, strings.Join(got, ", ")))
			}
		}
	}
	return exposed, blocked, unknown
}

// s3PublicResult turns s3PublicAccess into a result.
func s3PublicResult(a *compliance.Account, it *inventory.Item, write bool) compliance.Result {
	exposed, blocked, unknown := s3PublicAccess(a, it, write)
	name, verb, adjective := s3BucketName(it), "read", "readable"
	if write {
		verb, adjective = "write", "writable"
	}
	switch {
	case len(exposed) > 0:
		return compliance.FailFor(it, "bucket %s is publicly %s: %s", name, adjective, strings.Join(exposed, "; "))
	case unknown != "":
		return compliance.ErrorFor(it, "cannot tell whether bucket %s is publicly %s: %s", name, adjective, unknown)
	case len(blocked) > 0:
		return compliance.PassFor(it, "bucket %s grants no public %s access that takes effect (%s)", name, verb, strings.Join(blocked, "; "))
	}
	return compliance.PassFor(it, "neither the ACL nor the policy of bucket %s grants public %s access", name, verb)
}

// rpStatements returns a policy document's statements (one object or a
// list).
func rpStatements(doc map[string]any) []map[string]any {
	var out []map[string]any
	switch s := inventory.Get(doc, "Statement").(type) {
	case map[string]any:
		out = append(out, s)
	case []any:
		for _, x := range s {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// rpSid names a statement for reasons: its Sid, or its position.
func rpSid(st map[string]any, i int) string {
	if sid := inventory.Str(st, "Sid"); sid != "" {
		return fmt.Sprintf("%q", sid)
	}
	return fmt.Sprintf("#%d", i+1)
}

// rpValues returns a policy element's values (a string or a list).
func rpValues(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case bool:
		return []string{fmt.Sprint(x)}
	case []any:
		var out []string
		for _, y := range x {
			out = append(out, rpValues(y)...)
		}
		return out
	}
	return nil
}

// rpGlob matches an IAM pattern (* and ?) case-insensitively.
func rpGlob(pattern, s string) bool {
	p, v := strings.ToLower(pattern), strings.ToLower(s)
	// Iterative wildcard matching with backtracking to the last *.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(v) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// rpCovered returns the actions of want that statement st applies to
// (through Action, or NotAction not excluding them).
func rpCovered(st map[string]any, want []string) []string {
	var out []string
	hasAction := inventory.Get(st, "Action") != nil
	patterns := rpValues(inventory.Get(st, "Action"))
	if !hasAction {
		patterns = rpValues(inventory.Get(st, "NotAction"))
	}
	for _, w := range want {
		matched := false
		for _, p := range patterns {
			if rpGlob(p, w) {
				matched = true
				break
			}
		}
		if matched == hasAction {
			out = append(out, w)
		}
	}
	return out
}

// rpPublicAllow reports whether st allows anyone: an Allow statement whose
// Principal is "*", {"AWS": "*"} or an ARN with a wildcard, or that uses
// NotPrincipal, with no condition pinning callers to fixed accounts,
// organizations, source ARNs, VPCs or address ranges. It returns how the
// principal is written, for reasons.
func rpPublicAllow(st map[string]any) (string, bool) {
	if !strings.EqualFold(inventory.Str(st, "Effect"), "Allow") {
		return "", false
	}
	who := ""
	if np := inventory.Get(st, "NotPrincipal"); np != nil {
		who = "everyone but NotPrincipal"
	} else if p := inventory.Get(st, "Principal"); rpPublicPrincipal(p) {
		b, _ := json.Marshal(p)
		who = "Principal " + string(b)
	}
	if who == "" || rpRestricted(inventory.Obj(st, "Condition")) {
		return "", false
	}
	return who, true
}

// rpPublicPrincipal reports whether a Principal element names everyone.
func rpPublicPrincipal(p any) bool {
	switch x := p.(type) {
	case string:
		return x == "*"
	case map[string]any:
		for k, v := range x {
			for _, s := range rpValues(v) {
				if s == "*" || (strings.EqualFold(k, "AWS") && strings.Contains(s, "*")) {
					return true
				}
			}
		}
	}
	return false
}

// rpRestrictingKeys are the condition keys that, compared with fixed
// values, keep a statement with a public principal from being public (the
// keys S3, KMS and IAM Access Analyzer accept, in lower case).
var rpRestrictingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourceaccount": true, "aws:sourceowner": true, "aws:sourcevpc": true,
	"aws:sourcevpce": true, "aws:sourceip": true, "aws:sourceorgid": true, "aws:sourceorgpaths": true,
	"aws:principalaccount": true, "aws:principalarn": true, "aws:principalorgid": true, "aws:principalorgpaths": true,
	"aws:userid": true, "aws:username": true, "s3:dataaccesspointarn": true, "s3:dataaccesspointaccount": true,
	"lambda:eventsourcetoken": true, "kms:calleraccount": true, "aws:resourceorgid": true, "aws:resourceaccount": true,
}

// rpFixedOperators are the condition operators that compare with fixed
// values (IfExists variants are not: a missing key satisfies them).
var rpFixedOperators = map[string]bool{
	"stringequals": true, "stringequalsignorecase": true, "stringlike": true,
	"arnequals": true, "arnlike": true, "ipaddress": true,
}

// rpRestricted reports whether a Condition block restricts callers to
// fixed accounts, organizations, sources or networks.
func rpRestricted(cond map[string]any) bool {
	for op, body := range cond {
		o := strings.ToLower(op)
		o = strings.TrimPrefix(o, "foranyvalue:")
		if !rpFixedOperators[o] {
			continue
		}
		keys, _ := body.(map[string]any)
		for k, v := range keys {
			key := strings.ToLower(k)
			if !rpRestrictingKeys[key] {
				continue
			}
			vals := rpValues(v)
			fixed := len(vals) > 0
			for _, s := range vals {
				if !rpFixedValue(key, s) {
					fixed = false
				}
			}
			if fixed {
				return true
			}
		}
	}
	return false
}

// s3RegionalGaps returns an ERROR result for each scanned region where
// resourceType (a regional type) could not be collected.
func s3RegionalGaps(a *compliance.Account, resourceType string) []compliance.Result {
	var out []compliance.Result
	regions := a.Regions()
	if len(regions) == 0 {
		if gap := a.Gap("", resourceType); gap != nil {
			out = append(out, compliance.GapResult(gap.Region, resourceType, gap))
		}
		return out
	}
	for _, r := range regions {
		if gap := a.Gap(r, resourceType); gap != nil {
			out = append(out, compliance.GapResult(r, resourceType, gap))
		}
	}
	return out
}

// rpFixedValue reports whether s, a value of condition key, admits callers
// of known accounts or networks only: no wildcard, except in the resource
// part of an ARN that names its account (arn:aws:execute-api:…:111122223333:api/*).
func rpFixedValue(key, s string) bool {
	switch {
	case s == "":
		return false
	case key == "aws:sourceip":
		return !strings.HasSuffix(s, "/0")
	case key == "aws:sourcearn" || key == "aws:principalarn" || key == "s3:dataaccesspointarn":
		if p := strings.SplitN(s, ":", 6); len(p) == 6 && p[4] != "" {
			return !strings.ContainsAny(strings.Join(p[:5], ":"), "*?")
		}
	}
	return !strings.ContainsAny(s, "*?")
}

// s3DeniesInsecureTransport reports whether st denies every S3 action to
// everyone for requests without TLS.
func s3DeniesInsecureTransport(st map[string]any) bool {
	if !strings.EqualFold(inventory.Str(st, "Effect"), "Deny") || !rpPublicPrincipal(inventory.Get(st, "Principal")) {
		return false
	}
	all := false
	for _, act := range rpValues(inventory.Get(st, "Action")) {
		if act == "*" || strings.EqualFold(act, "s3:*") {
			all = true
		}
	}
	if !all {
		return false
	}
	for op, body := range inventory.Obj(st, "Condition") {
		if o := strings.ToLower(op); o != "bool" && o != "boolifexists" {
			continue
		}
		for _, v := range rpValues(inventory.Get(body, "aws:SecureTransport")) {
			if strings.EqualFold(v, "false") {
				return true
			}
		}
	}
	return false
}

// s3CoversObjects reports whether st applies to the bucket's objects.
func s3CoversObjects(st map[string]any, it *inventory.Item, bucket string) bool {
	partition := "aws"
	if p := strings.Split(it.ARN, ":"); len(p) > 2 && p[0] == "arn" {
		partition = p[1]
	}
	object := "arn:" + partition + ":s3:::" + bucket + "/any-object"
	if nr := inventory.Get(st, "NotResource"); nr != nil {
		for _, r := range rpValues(nr) {
			if rpGlob(r, object) {
				return false
			}
		}
		return true
	}
	for _, r := range rpValues(inventory.Get(st, "Resource")) {
		if rpGlob(r, object) {
			return true
		}
	}
	return false
}
