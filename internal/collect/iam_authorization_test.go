package collect_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

const (
	adminPolicyARN   = "arn:aws:iam::aws:policy/AdministratorAccess"
	supportPolicyARN = "arn:aws:iam::aws:policy/AWSSupportAccess"
)

// seedIAM builds a small account: alice (console password, MFA, one key,
// in group admins, a customer policy and an inline one), bob (no password,
// two keys, one inactive), group admins with AdministratorAccess, role
// support with AWSSupportAccess, and an unattached customer policy.
func seedIAM(t *testing.T, c *iam.Client) {
	t.Helper()
	ctx := t.Context()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ec2Read := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}`
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("ec2-read"), PolicyDocument: aws.String(ec2Read)})
	if err != nil {
		t.Fatal(err)
	}
	must(c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("unused-admin"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}))

	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins")}))
	must(c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String(adminPolicyARN)}))

	must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("sec")}}}))
	must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("alice")}))
	must(c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: pol.Policy.Arn}))
	must(c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("inline-s3"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}))
	must(c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("alice"), Password: aws.String("Correct-Horse-Battery-9")}))
	must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))
	dev, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice-phone")})
	if err != nil {
		t.Fatal(err)
	}
	must(c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("alice"), SerialNumber: dev.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321")}))

	must(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}))
	must(c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")}))
	k2, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	must(c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("bob"), AccessKeyId: k2.AccessKey.AccessKeyId, Status: iamtypes.StatusTypeInactive}))

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	must(c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("support"), AssumeRolePolicyDocument: aws.String(trust)}))
	must(c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("support"), PolicyArn: aws.String(supportPolicyARN)}))
}

func TestIAMAuthorizationDetails(t *testing.T) {
	env := iamMotoWithManagedPolicies(t)
	seedIAM(t, iam.NewFromConfig(env.Config))

	snap := env.Collect(t, []string{"us-east-1"}, "iam")
	iamAssertDeclared(t, snap, "iam")
	if gaps := collecttest.Gaps(snap); len(gaps) != 0 {
		t.Fatalf("gaps %+v", gaps)
	}
	var names []string
	for _, typ := range []string{collect.TypeIAMUser, collect.TypeIAMGroup, collect.TypeIAMRole, collect.TypeIAMPolicy} {
		for _, it := range collecttest.Of(snap, typ) {
			names = append(names, typ+" "+it.ResourceName)
			if it.Region != inventory.GlobalRegion || it.AccountID != collecttest.Account || it.ResourceID == "" || it.ARN == "" {
				t.Errorf("%s %s: region %q account %q id %q arn %q", typ, it.ResourceName, it.Region, it.AccountID, it.ResourceID, it.ARN)
			}
		}
	}
	// AWS managed policies appear only when attached.
	want := []string{
		"AWS::IAM::User alice", "AWS::IAM::User bob", "AWS::IAM::Group admins", "AWS::IAM::Role support",
		"AWS::IAM::Policy AWSSupportAccess", "AWS::IAM::Policy AdministratorAccess", "AWS::IAM::Policy ec2-read", "AWS::IAM::Policy unused-admin",
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("items\n got %v\nwant %v", names, want)
	}

	alice := iamItem(t, snap, collect.TypeIAMUser, "alice")
	conf := alice.Conf()
	if inventory.Str(conf, "userName") != "alice" || inventory.Str(conf, "userId") != alice.ResourceID {
		t.Errorf("alice configuration %s", alice.Configuration)
	}
	if g := inventory.List(conf, "groupList"); len(g) != 1 || g[0] != "admins" {
		t.Errorf("alice groupList %v", g)
	}
	if p := inventory.List(conf, "attachedManagedPolicies"); len(p) != 1 || inventory.Str(p[0], "policyName") != "ec2-read" {
		t.Errorf("alice attachedManagedPolicies %v", p)
	}
	inline := inventory.List(conf, "userPolicyList")
	if len(inline) != 1 || inventory.Str(inline[0], "policyName") != "inline-s3" {
		t.Fatalf("alice userPolicyList %v", inline)
	}
	if doc := inventory.PolicyDoc(inventory.Get(inline[0], "policyDocument")); inventory.Str(inventory.List(doc, "Statement")[0], "Action") != "s3:GetObject" {
		t.Errorf("alice inline document %v", inventory.Get(inline[0], "policyDocument"))
	}
	if alice.Tags["team"] != "sec" || alice.ResourceCreationTime == nil {
		t.Errorf("alice tags %v created %v", alice.Tags, alice.ResourceCreationTime)
	}
	var rels []string
	for _, r := range alice.Relationships {
		rels = append(rels, r.RelationshipName+" "+r.ResourceName)
	}
	slices.Sort(rels)
	if want := []string{"Is attached to CustomerManagedPolicy ec2-read", "Is attached to Group admins"}; !slices.Equal(rels, want) {
		t.Errorf("alice relationships %v, want %v", rels, want)
	}

	supp := alice.Supp()
	if ok, _ := inventory.Bool(supp, "LoginProfile", "exists"); !ok {
		t.Errorf("alice LoginProfile %v", supp["LoginProfile"])
	}
	if m := inventory.List(supp, "MfaDevices"); len(m) != 1 || !strings.HasSuffix(inventory.Str(m[0], "serialNumber"), "mfa/alice-phone") {
		t.Errorf("alice MfaDevices %v", m)
	}
	keys := inventory.List(supp, "AccessKeys")
	if len(keys) != 1 || inventory.Str(keys[0], "status") != "Active" || inventory.Str(keys[0], "createDate") == "" ||
		inventory.Str(keys[0], "lastUsedServiceName") == "" {
		t.Errorf("alice AccessKeys %v", keys)
	}

	bob := iamItem(t, snap, collect.TypeIAMUser, "bob")
	if exists, ok := inventory.Bool(bob.Supp(), "LoginProfile", "exists"); !ok || exists {
		t.Errorf("bob LoginProfile %v", bob.Supp()["LoginProfile"])
	}
	var statuses []string
	for _, k := range inventory.List(bob.Supp(), "AccessKeys") {
		statuses = append(statuses, inventory.Str(k, "status"))
	}
	slices.Sort(statuses)
	if !slices.Equal(statuses, []string{"Active", "Inactive"}) {
		t.Errorf("bob key statuses %v", statuses)
	}
	if m := inventory.List(bob.Supp(), "MfaDevices"); m == nil || len(m) != 0 {
		t.Errorf("bob MfaDevices %v, want []", m)
	}

	role := iamItem(t, snap, collect.TypeIAMRole, "support")
	if doc := inventory.PolicyDoc(inventory.Get(role.Conf(), "assumeRolePolicyDocument")); doc == nil {
		t.Errorf("role trust policy %s", role.Configuration)
	}
	admin := iamItem(t, snap, collect.TypeIAMPolicy, "AdministratorAccess")
	if n, _ := inventory.Int(admin.Conf(), "attachmentCount"); n != 1 {
		t.Errorf("AdministratorAccess attachmentCount %d", n)
	}
	var defaultDoc map[string]any
	for _, v := range inventory.List(admin.Conf(), "policyVersionList") {
		if d, _ := inventory.Bool(v, "isDefaultVersion"); d {
			defaultDoc = inventory.PolicyDoc(inventory.Get(v, "document"))
		}
	}
	if inventory.Str(inventory.List(defaultDoc, "Statement")[0], "Action") != "*" {
		t.Errorf("AdministratorAccess default document %v", defaultDoc)
	}
	if len(admin.Relationships) != 1 || admin.Relationships[0].RelationshipName != "Is attached to Group" {
		t.Errorf("AdministratorAccess relationships %+v", admin.Relationships)
	}
	if snap.Calls["iam:GetAccountAuthorizationDetails"] != 1 || snap.Calls["iam:GetAccessKeyLastUsed"] != 3 {
		t.Errorf("calls %v", snap.Calls)
	}
}

func TestIAMAuthorizationDenied(t *testing.T) {
	t.Parallel()
	env := collecttest.New(t)
	c := iam.NewFromConfig(env.Config)
	for _, u := range []string{"carol", "dave"} {
		if _, err := c.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}

	// A denied per-user call: the users are still there, with the error.
	env.Proxy.Fail("GetLoginProfile", "AccessDenied", http.StatusForbidden, -1)
	snap := env.Collect(t, []string{"us-east-1"}, "iam")
	users := collecttest.Of(snap, collect.TypeIAMUser)
	if len(users) != 2 {
		t.Fatalf("users %d, want 2", len(users))
	}
	for _, u := range users {
		if len(u.Errors) != 1 || u.Errors[0].Permission != "iam:GetLoginProfile" || !u.Errors[0].Denied() || u.Errors[0].Resource != u.ResourceName {
			t.Errorf("%s errors %+v", u.ResourceName, u.Errors)
		}
		if _, ok := u.SupplementaryConfiguration["LoginProfile"]; ok {
			t.Errorf("%s has a LoginProfile despite the denial", u.ResourceName)
		}
		if _, ok := u.SupplementaryConfiguration["AccessKeys"]; !ok {
			t.Errorf("%s lost its AccessKeys", u.ResourceName)
		}
	}

	// The list call denied: a gap for each type, no item.
	env.Proxy.Fail("GetAccountAuthorizationDetails", "AccessDenied", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "iam")
	for _, typ := range []string{collect.TypeIAMUser, collect.TypeIAMGroup, collect.TypeIAMRole, collect.TypeIAMPolicy} {
		if n := len(collecttest.Of(snap, typ)); n != 0 {
			t.Errorf("%s: %d items despite the denial", typ, n)
		}
		g := iamGapFor(snap, typ)
		if g == nil || g.Errors[0].Permission != "iam:GetAccountAuthorizationDetails" || !g.Errors[0].Denied() {
			t.Errorf("%s gap %+v", typ, g)
		}
	}
}

// TestIAMAuthorizationPages checks that the pages of
// GetAccountAuthorizationDetails are merged (moto answers in one page), on
// a fake IAM that pages and denies everything else.
func TestIAMAuthorizationPages(t *testing.T) {
	t.Parallel()
	pages := map[string]string{
		"": `<IsTruncated>true</IsTruncated><Marker>page2</Marker>
<UserDetailList><member><UserName>u1</UserName><UserId>AIDAU1</UserId><Arn>arn:aws:iam::123456789012:user/u1</Arn><Path>/</Path><CreateDate>2026-01-01T00:00:00Z</CreateDate></member></UserDetailList>
<Policies><member><PolicyName>AmazonS3ReadOnlyAccess</PolicyName><PolicyId>ANPAS3</PolicyId><Arn>arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess</Arn><AttachmentCount>0</AttachmentCount></member></Policies>`,
		"page2": `<IsTruncated>false</IsTruncated>
<UserDetailList><member><UserName>u2</UserName><UserId>AIDAU2</UserId><Arn>arn:aws:iam::123456789012:user/u2</Arn><Path>/</Path><CreateDate>2026-01-02T00:00:00Z</CreateDate></member></UserDetailList>
<RoleDetailList><member><RoleName>r1</RoleName><RoleId>AROAR1</RoleId><Arn>arn:aws:iam::123456789012:role/r1</Arn><AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%7D</AssumeRolePolicyDocument></member></RoleDetailList>
<Policies><member><PolicyName>mine</PolicyName><PolicyId>ANPAMINE</PolicyId><Arn>arn:aws:iam::123456789012:policy/mine</Arn><AttachmentCount>0</AttachmentCount><DefaultVersionId>v1</DefaultVersionId></member></Policies>`,
	}
	var (
		mu      sync.Mutex
		markers []string
	)
	env := iamFakeEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		action := r.PostForm.Get("Action")
		w.Header().Set("Content-Type", "text/xml")
		if action != "GetAccountAuthorizationDetails" {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no %s</Message></Error><RequestId>1</RequestId></ErrorResponse>`, url.QueryEscape(action))
			return
		}
		marker := r.PostForm.Get("Marker")
		mu.Lock()
		markers = append(markers, marker)
		mu.Unlock()
		fmt.Fprintf(w, `<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult>%s</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>`, pages[marker])
	}))
	snap := env.CollectWith(t, inventory.Options{Regions: []string{"us-east-1"}, Collectors: []string{"iam"}, Parallel: 1, Fanout: 1})
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(markers, []string{"", "page2"}) {
		t.Errorf("markers %q", markers)
	}
	users := collecttest.Of(snap, collect.TypeIAMUser)
	if len(users) != 2 || users[0].ResourceName != "u1" || users[1].ResourceName != "u2" {
		t.Fatalf("users %v", users)
	}
	for _, u := range users {
		var perms []string
		for _, e := range u.Errors {
			perms = append(perms, e.Permission)
		}
		if want := []string{"iam:ListAccessKeys", "iam:ListMFADevices", "iam:GetLoginProfile"}; !slices.Equal(perms, want) {
			t.Errorf("%s errors %v, want %v", u.ResourceName, perms, want)
		}
		if len(u.SupplementaryConfiguration) != 0 {
			t.Errorf("%s supplementary %v despite denials", u.ResourceName, u.SupplementaryConfiguration)
		}
	}
	if r := iamItem(t, snap, collect.TypeIAMRole, "r1"); inventory.PolicyDoc(inventory.Get(r.Conf(), "assumeRolePolicyDocument")) == nil {
		t.Errorf("role trust policy %s", r.Configuration)
	}
	// The unattached AWS managed policy is dropped, the customer one kept.
	if p := collecttest.Of(snap, collect.TypeIAMPolicy); len(p) != 1 || p[0].ResourceName != "mine" {
		t.Errorf("policies %v", p)
	}
}
