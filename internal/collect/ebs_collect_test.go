package collect_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

var ebsCollectors = []string{"ebs-encryption-by-default", "ebs-volumes", "ebs-snapshots"}

// ebsWorld is what seedEBS created in us-east-1.
type ebsWorld struct {
	encrypted, plain        string // volumes
	public, shared, private string // snapshots
	instance                string
}

// seedEBS turns encryption by default on in us-east-1 only and creates
// an encrypted and a plain volume (the plain one attached to an
// instance), and three snapshots: public, shared with one account, and
// private.
func seedEBS(t *testing.T, env *collecttest.Env) ebsWorld {
	t.Helper()
	ctx := t.Context()
	c := ec2.NewFromConfig(env.Config)
	var w ebsWorld
	enc, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(8), Encrypted: aws.Bool(true)})
	ec2Must(t, "create encrypted volume", err)
	w.encrypted = aws.ToString(enc.VolumeId)
	plain, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(8), Encrypted: aws.Bool(false)})
	ec2Must(t, "create plain volume", err)
	w.plain = aws.ToString(plain.VolumeId)
	run, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String(ec2AMI), MinCount: aws.Int32(1), MaxCount: aws.Int32(1), Placement: &ec2types.Placement{AvailabilityZone: aws.String("us-east-1a")}})
	ec2Must(t, "run instance", err)
	w.instance = aws.ToString(run.Instances[0].InstanceId)
	_, err = c.AttachVolume(ctx, &ec2.AttachVolumeInput{VolumeId: aws.String(w.plain), InstanceId: aws.String(w.instance), Device: aws.String("/dev/sdf")})
	ec2Must(t, "attach volume", err)

	for _, s := range []*string{&w.public, &w.shared, &w.private} {
		out, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(w.plain)})
		ec2Must(t, "create snapshot", err)
		*s = aws.ToString(out.SnapshotId)
	}
	_, err = c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{
		SnapshotId: aws.String(w.public), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
		OperationType: ec2types.OperationTypeAdd, GroupNames: []string{"all"},
	})
	ec2Must(t, "make snapshot public", err)
	_, err = c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{
		SnapshotId: aws.String(w.shared), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
		OperationType: ec2types.OperationTypeAdd, UserIds: []string{"111122223333"},
	})
	ec2Must(t, "share snapshot", err)
	// Enabled last, so that it does not encrypt the plain volume.
	_, err = c.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})
	ec2Must(t, "enable encryption by default", err)
	return w
}

// ebsEnv starts moto without its default AMIs, whose 2,000 snapshots it
// attributes to the test account.
func ebsEnv(t *testing.T) *collecttest.Env {
	t.Setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
	return collecttest.New(t)
}

func TestEBSCollectors(t *testing.T) {
	env := ebsEnv(t)
	w := seedEBS(t, env)
	snap := env.Collect(t, []string{"eu-west-1", "us-east-1"}, ebsCollectors...)
	ec2AssertDeclared(t, snap, ebsCollectors...)
	if gaps := collecttest.Gaps(snap); len(gaps) > 0 {
		t.Fatalf("gaps: %+v", gaps[0].Errors)
	}

	t.Run("encryption by default per region", func(t *testing.T) {
		got := map[string]bool{}
		for _, it := range collecttest.Of(snap, collect.TypeEBSDefaultEncryption) {
			on, ok := inventory.Bool(it.Conf(), "ebsEncryptionByDefault")
			if !ok || it.ResourceID != collecttest.Account {
				t.Errorf("item %s in %s: %s", it.ResourceID, it.Region, it.Configuration)
			}
			got[it.Region] = on
		}
		if len(got) != 2 || !got["us-east-1"] || got["eu-west-1"] {
			t.Errorf("encryption by default per region: %v", got)
		}
	})

	t.Run("volumes", func(t *testing.T) {
		for id, want := range map[string]bool{w.encrypted: true, w.plain: false} {
			it := ec2Item(t, snap, collect.TypeEC2Volume, id)
			if enc, ok := inventory.Bool(it.Conf(), "encrypted"); !ok || enc != want {
				t.Errorf("volume %s encrypted = %v (known %v), want %v", id, enc, ok, want)
			}
			if it.AvailabilityZone != "us-east-1a" {
				t.Errorf("volume %s zone %q", id, it.AvailabilityZone)
			}
		}
		rels := ec2Item(t, snap, collect.TypeEC2Volume, w.plain).Relationships
		if len(rels) != 1 || rels[0].ResourceID != w.instance || rels[0].RelationshipName != "Is attached to Instance" {
			t.Errorf("attached volume relationships %+v", rels)
		}
	})

	t.Run("record and replay", func(t *testing.T) { ec2RoundTrip(t, env, []string{"eu-west-1", "us-east-1"}, ebsCollectors...) })

	t.Run("snapshots with their create-volume permissions", func(t *testing.T) {
		if n := len(collecttest.Of(snap, collect.TypeEBSSnapshot)); n != 3 {
			t.Errorf("%d snapshots, want the account's 3", n)
		}
		for id, want := range map[string]string{w.public: `[{"group":"all"}]`, w.shared: `[{"userId":"111122223333"}]`, w.private: `[]`} {
			it := ec2Item(t, snap, collect.TypeEBSSnapshot, id)
			if got := string(it.SupplementaryConfiguration["CreateVolumePermissions"]); got != want {
				t.Errorf("snapshot %s permissions %s, want %s", id, got, want)
			}
			if it.ARN != "arn:aws:ec2:us-east-1::snapshot/"+id || inventory.Str(it.Conf(), "volumeId") != w.plain {
				t.Errorf("snapshot %s: arn %s configuration %s", id, it.ARN, it.Configuration)
			}
		}
	})
}

// TestEBSCollectorsDenied: a denied per-snapshot call is an error on
// that snapshot's item, which is still emitted; a denied setting is a gap.
func TestEBSCollectorsDenied(t *testing.T) {
	env := ebsEnv(t)
	w := seedEBS(t, env)
	env.Proxy.Fail("DescribeSnapshotAttribute", "UnauthorizedOperation", http.StatusForbidden, 1)
	env.Proxy.Fail("GetEbsEncryptionByDefault", "UnauthorizedOperation", http.StatusForbidden, -1)
	snap := env.Collect(t, []string{"us-east-1"}, ebsCollectors...)

	g := ec2GapFor(snap, "us-east-1", collect.TypeEBSDefaultEncryption)
	if g == nil || g.Errors[0].Permission != "ec2:GetEbsEncryptionByDefault" || !g.Errors[0].Denied() {
		t.Errorf("encryption by default gap %+v", g)
	}
	var failed, answered int
	for _, id := range []string{w.public, w.shared, w.private} {
		it := ec2Item(t, snap, collect.TypeEBSSnapshot, id)
		switch {
		case len(it.Errors) == 1 && it.Errors[0].Permission == "ec2:DescribeSnapshotAttribute" && it.Errors[0].Resource == id:
			if _, ok := it.SupplementaryConfiguration["CreateVolumePermissions"]; ok {
				t.Errorf("snapshot %s has permissions despite the failed call", id)
			}
			failed++
		case len(it.Errors) == 0 && json.Valid(it.SupplementaryConfiguration["CreateVolumePermissions"]):
			answered++
		default:
			t.Errorf("snapshot %s: errors %+v supplementary %v", id, it.Errors, it.SupplementaryConfiguration)
		}
	}
	if failed != 1 || answered != 2 {
		t.Errorf("%d snapshots failed, %d answered; want 1 and 2", failed, answered)
	}
	ec2Item(t, snap, collect.TypeEC2Volume, w.encrypted)
	ec2Item(t, snap, collect.TypeEC2Volume, w.plain)
}
