package collect_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestGuardDutyCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)
	ctx := t.Context()
	east := guardduty.NewFromConfig(env.Config)
	on, err := east.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true),
		FindingPublishingFrequency: gdtypes.FindingPublishingFrequencySixHours})
	if err != nil {
		t.Fatal(err)
	}
	west := guardduty.NewFromConfig(env.Config, func(o *guardduty.Options) { o.Region = "eu-west-1" })
	off, err := west.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}

	snap := env.Collect(t, []string{"eu-west-1", "us-east-1", "ap-south-1"}, "guardduty")
	assertCallsDeclared(t, snap, "guardduty")
	items := collecttest.Of(snap, collect.TypeGuardDutyDetector)
	if len(items) != 2 {
		t.Fatalf("%d detectors, want 2: %+v", len(items), items)
	}
	for _, tc := range []struct {
		id, region, status, freq string
	}{
		{aws.ToString(off.DetectorId), "eu-west-1", "DISABLED", ""},
		{aws.ToString(on.DetectorId), "us-east-1", "ENABLED", "SIX_HOURS"},
	} {
		var it *inventory.Item
		for _, x := range items {
			if x.ResourceID == tc.id {
				it = x
			}
		}
		if it == nil || it.Region != tc.region || len(it.Errors) > 0 {
			t.Fatalf("detector %s: %+v", tc.id, it)
		}
		if got := inventory.Str(it.Conf(), "status"); got != tc.status {
			t.Errorf("%s status %q in %s", tc.id, got, it.Configuration)
		}
		if got := inventory.Str(it.Conf(), "findingPublishingFrequency"); tc.freq != "" && got != tc.freq {
			t.Errorf("%s frequency %q", tc.id, got)
		}
		if want := "arn:aws:guardduty:" + tc.region + ":123456789012:detector/" + tc.id; it.ARN != want {
			t.Errorf("arn %q, want %q", it.ARN, want)
		}
	}

	// GetDetector denied: the detector is kept, with the error.
	env.Proxy.Fail("GET /detector/"+aws.ToString(on.DetectorId), "AccessDeniedException", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "guardduty")
	items = collecttest.Of(snap, collect.TypeGuardDutyDetector)
	if len(items) != 1 || len(items[0].Errors) != 1 || items[0].Errors[0].Permission != "guardduty:GetDetector" || !items[0].Errors[0].Denied() {
		t.Fatalf("GetDetector denied: %+v", items)
	}

	// ListDetectors denied: a gap.
	env.Proxy.Fail("GET /detector", "AccessDeniedException", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "guardduty")
	if gaps := collecttest.Gaps(snap); len(gaps) != 1 || gaps[0].Errors[0].Permission != "guardduty:ListDetectors" {
		t.Fatalf("ListDetectors denied: gaps %+v", gaps)
	}
}
