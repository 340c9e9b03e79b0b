package collect_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// TestEC2DisabledRegion: a region that refuses every call as not enabled
// (AuthFailure from EC2, and from RDS and EFS alike) is reported as
// skipped with the reason, not as a gap per resource type, and the other
// regions are collected as usual.
func TestEC2DisabledRegion(t *testing.T) {
	env := ebsEnv(t)
	vpc, err := ec2.NewFromConfig(env.Config).CreateVpc(t.Context(), &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	ec2Must(t, "create vpc", err)
	env.Proxy.FailRegion("eu-west-3", "AuthFailure", http.StatusUnauthorized)
	all := slices.Concat(ec2Collectors, ebsCollectors, rdsCollectors, []string{"efs"})
	snap := env.Collect(t, []string{"eu-west-3", "us-east-1"}, all...)
	ec2AssertDeclared(t, snap, all...)

	if !slices.Equal(snap.Regions, []string{"us-east-1"}) || !strings.Contains(snap.Skipped["eu-west-3"], "AuthFailure") {
		t.Errorf("regions %v skipped %v", snap.Regions, snap.Skipped)
	}
	if gaps := collecttest.Gaps(snap); len(gaps) > 0 {
		t.Errorf("%d gaps, first %s %+v", len(gaps), gaps[0].ResourceName, gaps[0].Errors)
	}
	for _, it := range snap.Items {
		if it.Region == "eu-west-3" && it.ResourceType != inventory.RegionType {
			t.Errorf("item %s %s in the disabled region", it.ResourceType, it.ResourceID)
		}
		if it.ResourceType == inventory.RegionType && it.ResourceID == "eu-west-3" {
			if scanned, _ := inventory.Bool(it.Conf(), "scanned"); scanned || inventory.Str(it.Conf(), "skipReason") == "" {
				t.Errorf("region item %s", it.Configuration)
			}
		}
	}
	ec2Item(t, snap, collect.TypeEC2VPC, aws.ToString(vpc.Vpc.VpcId))
	if n := len(collecttest.Of(snap, collect.TypeEBSDefaultEncryption)); n != 1 {
		t.Errorf("%d EBS default encryption items, want us-east-1's", n)
	}
}
