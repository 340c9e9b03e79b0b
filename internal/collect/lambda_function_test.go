package collect_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

const lambdaFunctionType = collect.TypeLambdaFunction

// lambdaSecret is an environment variable value that must never reach a
// snapshot or a recording.
const lambdaSecret = "hunter2-not-for-snapshots"

// lambdaWorld creates an execution role and returns a function creator.
func lambdaWorld(t *testing.T, env *collecttest.Env) func(region, name string, env map[string]string) *lambda.Client {
	t.Helper()
	role, err := iam.NewFromConfig(env.Config).CreateRole(t.Context(), &iam.CreateRoleInput{
		RoleName:                 aws.String("vigil-fn-role"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	must(t, "create role", err)
	var code bytes.Buffer
	zw := zip.NewWriter(&code)
	w, err := zw.Create("index.py")
	must(t, "zip", err)
	_, err = w.Write([]byte("def handler(event, context):\n    return 1\n"))
	must(t, "zip", err)
	must(t, "zip", zw.Close())
	return func(region, name string, vars map[string]string) *lambda.Client {
		t.Helper()
		cfg := env.Config.Copy()
		cfg.Region = region
		c := lambda.NewFromConfig(cfg)
		in := &lambda.CreateFunctionInput{
			FunctionName: aws.String(name), Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
			Role: role.Role.Arn, Code: &lambdatypes.FunctionCode{ZipFile: code.Bytes()},
		}
		if vars != nil {
			in.Environment = &lambdatypes.Environment{Variables: vars}
		}
		_, err := c.CreateFunction(t.Context(), in)
		must(t, "create function "+name, err)
		return c
	}
}

func lambdaItem(t *testing.T, snap *inventory.Snapshot, name string) *inventory.Item {
	t.Helper()
	for _, it := range collecttest.Of(snap, lambdaFunctionType) {
		if it.ResourceID == name {
			return it
		}
	}
	t.Fatalf("no item for function %s", name)
	return nil
}

func TestLambdaCollector(t *testing.T) {
	env := collecttest.New(t)
	ctx := t.Context()
	create := lambdaWorld(t, env)

	// public-fn: anyone may invoke it.
	c := create("us-east-1", "public-fn", nil)
	_, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("public-fn"), StatementId: aws.String("Everyone"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*")})
	must(t, "add permission", err)
	// s3-fn: only one bucket's notifications may invoke it.
	create("us-east-1", "s3-fn", nil)
	_, err = c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("s3-fn"), StatementId: aws.String("FromBucket"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com"),
		SourceArn: aws.String("arn:aws:s3:::vigil-uploads"), SourceAccount: aws.String(collecttest.Account)})
	must(t, "add permission", err)
	// url-fn: a function URL without authentication.
	create("us-east-1", "url-fn", nil)
	_, err = c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("url-fn"), AuthType: lambdatypes.FunctionUrlAuthTypeNone})
	must(t, "create function url", err)
	// plain-fn (eu-west-1): no policy, tags, a secret in its environment.
	eu := create("eu-west-1", "plain-fn", map[string]string{"DB_PASSWORD": lambdaSecret})
	_, err = eu.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String("arn:aws:lambda:eu-west-1:" + collecttest.Account + ":function:plain-fn"), Tags: map[string]string{"team": "data"}})
	must(t, "tag", err)

	dir := t.TempDir()
	snap := env.CollectWith(t, inventory.Options{Regions: []string{"us-east-1", "eu-west-1"}, Collectors: []string{"lambda"}, Record: dir})
	assertDeclared(t, snap, "lambda")
	if gaps := collecttest.Gaps(snap); len(gaps) != 0 {
		t.Fatalf("gaps %s", gapsText(gaps))
	}
	if n := len(collecttest.Of(snap, lambdaFunctionType)); n != 4 {
		t.Fatalf("%d function items, want 4", n)
	}
	for _, it := range collecttest.Of(snap, lambdaFunctionType) {
		if len(it.Errors) != 0 {
			t.Errorf("%s: errors %+v", it.ResourceID, it.Errors)
		}
		conf := it.Conf()
		if inventory.Str(conf, "functionName") != it.ResourceID || inventory.Str(conf, "runtime") != "python3.12" ||
			!strings.HasSuffix(inventory.Str(conf, "role"), ":role/vigil-fn-role") || !strings.HasPrefix(it.ARN, "arn:aws:lambda:"+it.Region+":") {
			t.Errorf("%s: configuration %s arn %s", it.ResourceID, it.Configuration, it.ARN)
		}
		if len(it.Relationships) == 0 || it.Relationships[0].ResourceType != "AWS::IAM::Role" || it.Relationships[0].ResourceName != "vigil-fn-role" {
			t.Errorf("%s: relationships %+v", it.ResourceID, it.Relationships)
		}
	}

	pub := lambdaItem(t, snap, "public-fn")
	doc := inventory.PolicyDoc(pub.Supp()["Policy"])
	if _, isString := pub.Supp()["Policy"].(string); !isString || doc == nil || !strings.Contains(string(pub.SupplementaryConfiguration["Policy"]), "Everyone") {
		t.Errorf("public-fn policy %s", pub.SupplementaryConfiguration["Policy"])
	}
	if s3fn := lambdaItem(t, snap, "s3-fn"); !strings.Contains(string(s3fn.SupplementaryConfiguration["Policy"]), "vigil-uploads") {
		t.Errorf("s3-fn policy %s", s3fn.SupplementaryConfiguration["Policy"])
	}
	url := lambdaItem(t, snap, "url-fn")
	if got := inventory.Str(url.Supp(), "FunctionUrlConfig", "authType"); got != "NONE" {
		t.Errorf("url-fn auth type %q in %v", got, url.Supp())
	}
	if _, has := url.Supp()["Policy"]; has {
		t.Errorf("url-fn has no policy, got %s", url.SupplementaryConfiguration["Policy"])
	}

	plain := lambdaItem(t, snap, "plain-fn")
	if plain.Region != "eu-west-1" || plain.Tags["team"] != "data" || inventory.Str(plain.Supp(), "Tags", "team") != "data" {
		t.Errorf("plain-fn region %s tags %v supp %v", plain.Region, plain.Tags, plain.Supp())
	}
	if got := inventory.Str(plain.Conf(), "environment", "variables", "DB_PASSWORD"); got != "REDACTED" {
		t.Errorf("plain-fn environment value %q, want REDACTED", got)
	}
	// The secret is in neither the snapshot nor the recording.
	b, err := json.Marshal(snap.Items)
	must(t, "marshal", err)
	if bytes.Contains(b, []byte(lambdaSecret)) {
		t.Error("an environment variable value reached the snapshot")
	}
	must(t, "walk recording", filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err == nil && bytes.Contains(body, []byte(lambdaSecret)) {
			t.Errorf("recording %s holds an environment variable value", path)
		}
		return err
	}))
}

func TestLambdaCollectorDenied(t *testing.T) {
	for _, tc := range []struct {
		name    string
		op      string // REST-JSON operation, as the fault proxy names it
		gap     string // permission of the expected gap
		itemErr string // permission recorded on the function
	}{
		{name: "list functions", op: "GET /2015-03-31/functions", gap: "lambda:ListFunctions"},
		{name: "get policy", op: "GET /2015-03-31/functions/fn/policy", itemErr: "lambda:GetPolicy"},
		{name: "function url", op: "GET /2021-10-31/functions/fn/url", itemErr: "lambda:GetFunctionUrlConfig"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := collecttest.New(t)
			lambdaWorld(t, env)("us-east-1", "fn", nil)
			env.Proxy.Fail(tc.op, "AccessDeniedException", http.StatusForbidden, -1)
			snap := env.Collect(t, []string{"us-east-1"}, "lambda")
			assertDeclared(t, snap, "lambda")
			gaps := collecttest.Gaps(snap)
			if tc.gap != "" {
				if len(gaps) != 1 || gaps[0].ResourceName != lambdaFunctionType || gaps[0].Errors[0].Permission != tc.gap || !gaps[0].Errors[0].Denied() {
					t.Fatalf("gaps %s, want one naming %s", gapsText(gaps), tc.gap)
				}
				if n := len(collecttest.Of(snap, lambdaFunctionType)); n != 0 {
					t.Errorf("%d function items after a denied listing", n)
				}
				return
			}
			if len(gaps) != 0 {
				t.Fatalf("gaps %s", gapsText(gaps))
			}
			it := lambdaItem(t, snap, "fn")
			if len(it.Errors) != 1 || it.Errors[0].Permission != tc.itemErr || !it.Errors[0].Denied() || it.Errors[0].Resource != "fn" {
				t.Fatalf("errors %+v, want one naming %s", it.Errors, tc.itemErr)
			}
			if _, has := it.Supp()["Tags"]; !has {
				t.Errorf("tags not collected after a denied call: %v", it.Supp())
			}
		})
	}
}

// TestLambdaCollectorPages checks that every page of ListFunctions is
// merged into one answer. moto does not paginate ListFunctions, so a small
// server speaks Lambda's REST-JSON protocol here.
func TestLambdaCollectorPages(t *testing.T) {
	var listCalls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fn := func(name string) string {
			return `{"FunctionName":"` + name + `","FunctionArn":"arn:aws:lambda:us-east-1:` + collecttest.Account + `:function:` + name + `","Runtime":"python3.12","Role":"arn:aws:iam::` + collecttest.Account + `:role/r"}`
		}
		switch {
		case r.URL.Path == "/2015-03-31/functions" || r.URL.Path == "/2015-03-31/functions/":
			listCalls++
			if r.URL.Query().Get("Marker") == "" {
				io.WriteString(w, `{"Functions":[`+fn("first")+`],"NextMarker":"page-2"}`)
				return
			}
			io.WriteString(w, `{"Functions":[`+fn("second")+`]}`)
		case strings.HasPrefix(r.URL.Path, "/2017-03-31/tags/"):
			io.WriteString(w, `{"Tags":{}}`)
		case strings.HasSuffix(r.URL.Path, "/policy") || strings.HasSuffix(r.URL.Path, "/url"):
			w.Header().Set("X-Amzn-Errortype", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"Type":"User","Message":"not found"}`)
		default: // region discovery: not this server's business
			w.Header().Set("X-Amzn-Errortype", "UnknownOperationException")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"message":"unknown operation"}`)
		}
	}))
	t.Cleanup(srv.Close)
	o := awsapi.Options{Region: "us-east-1", EndpointURL: srv.URL, MaxAttempts: 1}
	cfg, err := awsapi.Config(t.Context(), o)
	must(t, "config", err)
	cfg.Credentials = credentials.NewStaticCredentialsProvider("testing", "testing", "")
	snap, err := inventory.Collect(t.Context(), inventory.Options{AWS: cfg, Endpoint: o, Account: collecttest.Account,
		Regions: []string{"us-east-1"}, Collectors: []string{"lambda"}, Now: collecttest.Now})
	must(t, "collect", err)
	var names []string
	for _, it := range collecttest.Of(snap, lambdaFunctionType) {
		names = append(names, it.ResourceID)
		if len(it.Errors) != 0 {
			t.Errorf("%s: errors %+v", it.ResourceID, it.Errors)
		}
	}
	if strings.Join(names, ",") != "first,second" || listCalls != 2 || snap.Calls["lambda:ListFunctions"] != 1 {
		t.Errorf("functions %v after %d list requests (%d counted calls), want first,second from 2 pages", names, listCalls, snap.Calls["lambda:ListFunctions"])
	}
}
