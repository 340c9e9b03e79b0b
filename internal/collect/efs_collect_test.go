package collect_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// efsCreate creates a file system and returns its id.
func efsCreate(t *testing.T, c *efs.Client, token string, encrypted bool) string {
	t.Helper()
	out, err := c.CreateFileSystem(t.Context(), &efs.CreateFileSystemInput{CreationToken: aws.String(token), Encrypted: aws.Bool(encrypted)})
	ec2Must(t, "create file system "+token, err)
	return aws.ToString(out.FileSystemId)
}

func TestEFSCollector(t *testing.T) {
	env := collecttest.New(t)
	c := efs.NewFromConfig(env.Config)
	enc := efsCreate(t, c, "encrypted", true)
	plain := efsCreate(t, c, "plain", false)
	// moto pages DescribeFileSystems at 10 file systems.
	for i := range 10 {
		efsCreate(t, c, fmt.Sprintf("filler-%d", i), true)
	}
	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"elasticfilesystem:ClientMount","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
	_, err := c.PutFileSystemPolicy(t.Context(), &efs.PutFileSystemPolicyInput{FileSystemId: aws.String(enc), Policy: aws.String(policy)})
	ec2Must(t, "put file system policy", err)

	env.Proxy.ClearRequests()
	snap := env.Collect(t, []string{"us-east-1"}, "efs")
	ec2AssertDeclared(t, snap, "efs")
	if n := len(collecttest.Of(snap, collect.TypeEFSFileSystem)); n != 12 {
		t.Errorf("%d file systems, want 12", n)
	}
	if pages := env.Proxy.Calls("GET /2015-02-01/file-systems"); pages != 2 {
		t.Errorf("%d DescribeFileSystems pages, want 2", pages)
	}
	for id, want := range map[string]bool{enc: true, plain: false} {
		it := ec2Item(t, snap, collect.TypeEFSFileSystem, id)
		if got, ok := inventory.Bool(it.Conf(), "encrypted"); !ok || got != want {
			t.Errorf("%s: encrypted = %v (known %v), want %v", id, got, ok, want)
		}
		if len(it.Errors) > 0 || it.ARN == "" {
			t.Errorf("%s: errors %+v arn %q", id, it.Errors, it.ARN)
		}
	}
	doc := inventory.Obj(ec2Item(t, snap, collect.TypeEFSFileSystem, enc).Conf(), "fileSystemPolicy")
	if inventory.Str(inventory.List(doc, "Statement")[0], "Action") != "elasticfilesystem:ClientMount" {
		t.Errorf("policy %v", doc)
	}
	if p := inventory.Get(ec2Item(t, snap, collect.TypeEFSFileSystem, plain).Conf(), "fileSystemPolicy"); p != nil {
		t.Errorf("file system without a policy has %v", p)
	}

	t.Run("record and replay", func(t *testing.T) { ec2RoundTrip(t, env, []string{"us-east-1"}, "efs") })

	// A denied policy call is an error on that file system only.
	env.Proxy.Fail("GET /2015-02-01/file-systems/"+plain+"/policy", "AccessDeniedException", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "efs")
	it := ec2Item(t, snap, collect.TypeEFSFileSystem, plain)
	if len(it.Errors) != 1 || it.Errors[0].Permission != "elasticfilesystem:DescribeFileSystemPolicy" || !it.Errors[0].Denied() {
		t.Errorf("errors %+v", it.Errors)
	}
	if e := ec2Item(t, snap, collect.TypeEFSFileSystem, enc).Errors; len(e) > 0 {
		t.Errorf("other file system has errors %+v", e)
	}

	// A denied list is a gap.
	env.Proxy.Fail("GET /2015-02-01/file-systems", "AccessDeniedException", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "efs")
	g := ec2GapFor(snap, "us-east-1", collect.TypeEFSFileSystem)
	if g == nil || g.Errors[0].Permission != "elasticfilesystem:DescribeFileSystems" {
		t.Errorf("gap %+v", g)
	}
}
