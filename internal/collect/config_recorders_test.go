package collect_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestConfigCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)
	ctx := t.Context()
	if _, err := awsapi.S3Client(env.Config, env.Options).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("config-bucket")}); err != nil {
		t.Fatal(err)
	}
	// us-east-1 records everything and is started; eu-west-1 has a
	// stopped recorder of selected types; ap-south-1 has none.
	east := configservice.NewFromConfig(env.Config)
	_, err := east.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cstypes.ConfigurationRecorder{
		Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::123456789012:role/config"),
		RecordingGroup: &cstypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := east.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: &cstypes.DeliveryChannel{
		Name: aws.String("default"), S3BucketName: aws.String("config-bucket")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := east.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}
	west := configservice.NewFromConfig(env.Config, func(o *configservice.Options) { o.Region = "eu-west-1" })
	_, err = west.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cstypes.ConfigurationRecorder{
		Name: aws.String("selected"), RoleARN: aws.String("arn:aws:iam::123456789012:role/config"),
		RecordingGroup: &cstypes.RecordingGroup{ResourceTypes: []cstypes.ResourceType{cstypes.ResourceTypeInstance}},
	}})
	if err != nil {
		t.Fatal(err)
	}

	snap := env.Collect(t, []string{"ap-south-1", "eu-west-1", "us-east-1"}, "config")
	assertCallsDeclared(t, snap, "config")
	items := collecttest.Of(snap, collect.TypeConfigRecorder)
	if len(items) != 2 {
		t.Fatalf("%d recorders, want 2: %+v", len(items), items)
	}
	for _, tc := range []struct {
		region, name   string
		recording, all bool
		global         bool
		channels       int
		errs           []string
	}{
		{"eu-west-1", "selected", false, false, false, 0, nil},
		// moto does not implement DescribeDeliveryChannelStatus (HTTP
		// 500): the recorder is kept, with the failed call.
		{"us-east-1", "default", true, true, true, 1, []string{"config:DescribeDeliveryChannelStatus Error"}},
	} {
		var it *inventory.Item
		for _, x := range items {
			if x.Region == tc.region {
				it = x
			}
		}
		if it == nil || it.ResourceID != tc.name {
			t.Fatalf("%s: recorder %+v", tc.region, it)
		}
		if got := itemErrors(it); !slices.Equal(got, tc.errs) {
			t.Errorf("%s: errors %v, want %v", tc.region, got, tc.errs)
		}
		c := it.Conf()
		rec, ok := inventory.Bool(c, "recording")
		all, _ := inventory.Bool(c, "recordingGroup", "allSupported")
		global, _ := inventory.Bool(c, "recordingGroup", "includeGlobalResourceTypes")
		if !ok || rec != tc.recording || all != tc.all || global != tc.global || len(inventory.List(c, "deliveryChannels")) != tc.channels {
			t.Errorf("%s: %s", tc.region, it.Configuration)
		}
	}

	// Status denied: recorders kept, with the error.
	env.Proxy.Fail("DescribeConfigurationRecorderStatus", "AccessDeniedException", http.StatusBadRequest, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "config")
	items = collecttest.Of(snap, collect.TypeConfigRecorder)
	if len(items) != 1 || len(items[0].Errors) != 2 || items[0].Errors[0].Permission != "config:DescribeConfigurationRecorderStatus" || !items[0].Errors[0].Denied() {
		t.Fatalf("status denied: %+v", items)
	}
	if _, ok := inventory.Bool(items[0].Conf(), "recording"); ok {
		t.Errorf("recording recorded despite the error: %s", items[0].Configuration)
	}

	// Listing denied: a gap.
	env.Proxy.Fail("DescribeConfigurationRecorders", "AccessDeniedException", http.StatusBadRequest, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "config")
	if gaps := collecttest.Gaps(snap); len(gaps) != 1 || gaps[0].ResourceName != collect.TypeConfigRecorder || !gaps[0].Errors[0].Denied() {
		t.Fatalf("listing denied: gaps %+v", gaps)
	}
}
