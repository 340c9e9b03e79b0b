package collect_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// seedTrails creates a logging multi-region trail in us-east-1 with
// classic selectors and a stopped single-region trail in eu-west-1 with
// advanced selectors.
func seedTrails(t *testing.T, env *collecttest.Env) {
	t.Helper()
	ctx := t.Context()
	if _, err := awsapi.S3Client(env.Config, env.Options).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail-logs")}); err != nil {
		t.Fatal(err)
	}
	east := cloudtrail.NewFromConfig(env.Config)
	_, err := east.CreateTrail(ctx, &cloudtrail.CreateTrailInput{
		Name: aws.String("main-trail"), S3BucketName: aws.String("trail-logs"), IsMultiRegionTrail: aws.Bool(true),
		EnableLogFileValidation: aws.Bool(true), KmsKeyId: aws.String("arn:aws:kms:us-east-1:123456789012:key/k1"),
		CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:trail:*"),
		CloudWatchLogsRoleArn:     aws.String("arn:aws:iam::123456789012:role/trail"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := east.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("main-trail")}); err != nil {
		t.Fatal(err)
	}
	_, err = east.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("main-trail"),
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true),
			DataResources: []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	west := cloudtrail.NewFromConfig(env.Config, func(o *cloudtrail.Options) { o.Region = "eu-west-1" })
	if _, err := west.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("west-trail"), S3BucketName: aws.String("trail-logs")}); err != nil {
		t.Fatal(err)
	}
	_, err = west.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("west-trail"),
		AdvancedEventSelectors: []cttypes.AdvancedEventSelector{{Name: aws.String("s3 writes"), FieldSelectors: []cttypes.AdvancedFieldSelector{
			{Field: aws.String("eventCategory"), Equals: []string{"Data"}},
			{Field: aws.String("resources.type"), Equals: []string{"AWS::S3::Object"}},
			{Field: aws.String("readOnly"), Equals: []string{"false"}},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCloudTrailCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)
	seedTrails(t, env)
	regions := []string{"eu-west-1", "us-east-1"}

	snap := env.Collect(t, regions, "cloudtrail")
	assertCallsDeclared(t, snap, "cloudtrail")
	items := collecttest.Of(snap, collect.TypeCloudTrailTrail)
	if len(items) != 2 {
		t.Fatalf("%d trails, want 2 (the multi-region trail once, in its home region): %+v", len(items), items)
	}
	byName := map[string]*inventory.Item{}
	for _, it := range items {
		byName[it.ResourceID] = it
		if len(it.Errors) > 0 {
			t.Errorf("%s: errors %v", it.ResourceID, itemErrors(it))
		}
	}
	main, west := byName["main-trail"], byName["west-trail"]
	if main == nil || west == nil {
		t.Fatalf("trails %v", byName)
	}
	for _, tc := range []struct {
		it     *inventory.Item
		region string
		path   []string
		want   string
	}{
		{main, "us-east-1", []string{"isMultiRegionTrail"}, "true"},
		{main, "us-east-1", []string{"logFileValidationEnabled"}, "true"},
		{main, "us-east-1", []string{"homeRegion"}, "us-east-1"},
		{main, "us-east-1", []string{"kmsKeyId"}, "arn:aws:kms:us-east-1:123456789012:key/k1"},
		{main, "us-east-1", []string{"cloudWatchLogsLogGroupArn"}, "arn:aws:logs:us-east-1:123456789012:log-group:trail:*"},
		{west, "eu-west-1", []string{"isMultiRegionTrail"}, "false"},
		{west, "eu-west-1", []string{"s3BucketName"}, "trail-logs"},
	} {
		if got := inventory.Str(tc.it.Conf(), tc.path...); got != tc.want || tc.it.Region != tc.region {
			t.Errorf("%s (%s): %v = %q, want %q in %s", tc.it.ResourceID, tc.it.Region, tc.path, got, tc.want, tc.region)
		}
	}
	if main.ARN != "arn:aws:cloudtrail:us-east-1:123456789012:trail/main-trail" {
		t.Errorf("arn %q", main.ARN)
	}
	if on, ok := inventory.Bool(main.Supp(), "TrailStatus", "isLogging"); !ok || !on {
		t.Errorf("main-trail status: %s", main.SupplementaryConfiguration["TrailStatus"])
	}
	if on, ok := inventory.Bool(west.Supp(), "TrailStatus", "isLogging"); !ok || on {
		t.Errorf("west-trail status: %s", west.SupplementaryConfiguration["TrailStatus"])
	}
	sel := inventory.List(main.Supp(), "EventSelectors")
	if len(sel) != 1 || inventory.Str(sel[0], "readWriteType") != "All" || len(inventory.List(sel[0], "dataResources")) != 1 {
		t.Errorf("main-trail selectors %s", main.SupplementaryConfiguration["EventSelectors"])
	}
	adv := inventory.List(west.Supp(), "AdvancedEventSelectors")
	if len(adv) != 1 || len(inventory.List(adv[0], "fieldSelectors")) != 3 {
		t.Errorf("west-trail advanced selectors %s", west.SupplementaryConfiguration["AdvancedEventSelectors"])
	}
	if snap.Calls["cloudtrail:GetTrailStatus"] != 2 || snap.Calls["cloudtrail:DescribeTrails"] != 2 {
		t.Errorf("calls %v", snap.Calls)
	}

	// A recorded collection replays to the same items, with no AWS.
	dir := t.TempDir()
	rec := env.CollectWith(t, inventory.Options{Regions: regions, Collectors: []string{"cloudtrail"}, Record: dir})
	rep := env.CollectWith(t, inventory.Options{Regions: regions, Collectors: []string{"cloudtrail"}, Replay: dir})
	recItems, repItems := collecttest.Of(rec, collect.TypeCloudTrailTrail), collecttest.Of(rep, collect.TypeCloudTrailTrail)
	if len(recItems) != 2 || len(repItems) != 2 {
		t.Fatalf("record/replay: %d and %d trails", len(recItems), len(repItems))
	}
	for i := range recItems {
		a, b := recItems[i], repItems[i]
		if string(a.Configuration) != string(b.Configuration) || len(a.SupplementaryConfiguration) != len(b.SupplementaryConfiguration) {
			t.Errorf("replayed %s differs:\n%s\n%s", a.ResourceID, a.Configuration, b.Configuration)
		}
		for k, v := range a.SupplementaryConfiguration {
			if string(b.SupplementaryConfiguration[k]) != string(v) {
				t.Errorf("replayed %s %s differs:\n%s\n%s", a.ResourceID, k, v, b.SupplementaryConfiguration[k])
			}
		}
	}

	// A denied per-trail call is recorded on the trail, which is kept.
	env.Proxy.Fail("GetEventSelectors", "AccessDeniedException", http.StatusBadRequest, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "cloudtrail")
	items = collecttest.Of(snap, collect.TypeCloudTrailTrail)
	if len(items) != 1 || len(items[0].Errors) != 1 || items[0].Errors[0].Permission != "cloudtrail:GetEventSelectors" || !items[0].Errors[0].Denied() {
		t.Fatalf("denied selectors: %+v", items)
	}
	if _, ok := items[0].Supp()["EventSelectors"]; ok {
		t.Errorf("selectors recorded despite the error: %s", items[0].SupplementaryConfiguration)
	}

	// A denied listing is a gap for the region.
	env.Proxy.Fail("DescribeTrails", "AccessDeniedException", http.StatusBadRequest, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "cloudtrail")
	gaps := collecttest.Gaps(snap)
	if n := len(collecttest.Of(snap, collect.TypeCloudTrailTrail)); n != 0 || len(gaps) != 1 ||
		gaps[0].ResourceName != collect.TypeCloudTrailTrail || gaps[0].Errors[0].Permission != "cloudtrail:DescribeTrails" || gaps[0].Region != "us-east-1" {
		t.Fatalf("denied listing: %d items, gaps %+v", n, gaps)
	}
}
