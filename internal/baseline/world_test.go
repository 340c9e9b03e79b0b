package baseline

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
)

// mainAccount is moto's default account: the organization's management
// account and the baseline's main account in these tests.
const mainAccount = "123456789012"

// Regions of the test worlds.
const (
	region1 = "eu-west-1" // the main and global region
	region2 = "us-east-1"
)

// world is an AWS organization in moto: the main account and members,
// reached through faultProxy (behaviour moto lacks) behind awsfake's fault
// proxy (throttling).
type world struct {
	proxy   *faultProxy
	fault   *awsfake.FaultProxy
	opts    awsapi.Options
	cfg     aws.Config // the main account, region1
	orgID   string
	members []string
}

// newWorld returns an organization with the main account and members
// accounts. Worlds share the test binary's moto_server, reset for each (starting
// moto and loading its services takes seconds), so tests using them must
// not run in parallel.
func newWorld(t *testing.T, members int) *world {
	t.Helper()
	endpoint := awsfake.SharedMoto(t)
	awsfake.Reset(t, endpoint)
	w := &world{proxy: newFaultProxy(t, endpoint)}
	w.fault = awsfake.NewFaultProxy(t, w.proxy.URL)
	w.opts = awsapi.Options{Region: region1, EndpointURL: w.fault.URL, MaxAttempts: 5}
	cfg, err := awsapi.Config(t.Context(), w.opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("testing", "testing", ""))
	w.cfg = cfg
	org := organizations.NewFromConfig(cfg)
	out, err := org.CreateOrganization(t.Context(), &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	if err != nil {
		t.Fatal(err)
	}
	w.orgID = aws.ToString(out.Organization.Id)
	for i := range members {
		st, err := org.CreateAccount(t.Context(), &organizations.CreateAccountInput{
			AccountName: aws.String(fmt.Sprintf("member-%d", i)), Email: aws.String(fmt.Sprintf("member-%d@example.com", i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		w.members = append(w.members, aws.ToString(st.CreateAccountStatus.AccountId))
	}
	return w
}

// sortedMembers returns the members in Render's order.
func (w *world) sortedMembers() []string {
	return slices.Sorted(slices.Values(w.members))
}

// accounts returns the main account and the members.
func (w *world) accounts() []string { return append([]string{mainAccount}, w.members...) }

// in returns a configuration acting in account and region (moto lets the
// main account assume OrganizationAccountAccessRole in members).
func (w *world) in(t *testing.T, account, region string) aws.Config {
	t.Helper()
	cfg := w.cfg.Copy()
	if account != mainAccount {
		var err error
		if cfg, err = AssumeRole(t.Context(), w.cfg, account, "OrganizationAccountAccessRole"); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Region = region
	return cfg
}

// enable turns every control on in account and region through the
// services' APIs, as the baseline's StackSets would: a GuardDuty detector
// publishing to admin, a Config recorder recording (global types in
// region1) with a delivery channel, a multi-region trail logging with
// validation (created once, in region1), and a flow log on every VPC.
func (w *world) enable(t *testing.T, account, region, admin string) {
	t.Helper()
	ctx := t.Context()
	cfg := w.in(t, account, region)
	bucket := "baseline-" + account

	gd := guardduty.NewFromConfig(cfg)
	if _, err := gd.CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if account != admin {
		// moto answers GetAdministratorAccount from the account's own
		// list of organization administrators: this stands for the
		// administrator's auto-enable.
		if _, err := gd.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &admin}); err != nil {
			t.Fatal(err)
		}
	}

	if region == region1 {
		s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket,
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}}); err != nil {
			t.Fatal(err)
		}
		ct := cloudtrail.NewFromConfig(cfg)
		if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("baseline"), S3BucketName: &bucket,
			IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("baseline")}); err != nil {
			t.Fatal(err)
		}
	}

	cs := configservice.NewFromConfig(cfg)
	if _, err := cs.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cstypes.ConfigurationRecorder{
		Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::" + account + ":role/config"),
		RecordingGroup: &cstypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: region == region1},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: &cstypes.DeliveryChannel{
		Name: aws.String("default"), S3BucketName: &bucket,
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")}); err != nil {
		t.Fatal(err)
	}

	w.flowLogAll(t, cfg, bucket)
}

// flowLogAll gives every VPC without one a flow log to the bucket.
func (w *world) flowLogAll(t *testing.T, cfg aws.Config, bucket string) {
	t.Helper()
	ec := ec2.NewFromConfig(cfg)
	vpcs, err := ec.DescribeVpcs(t.Context(), &ec2.DescribeVpcsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range vpcs.Vpcs {
		ids = append(ids, aws.ToString(v.VpcId))
	}
	if len(ids) == 0 {
		return
	}
	if _, err := ec.CreateFlowLogs(t.Context(), &ec2.CreateFlowLogsInput{
		ResourceIds: ids, ResourceType: ec2types.FlowLogsResourceTypeVpc, TrafficType: ec2types.TrafficTypeAll,
		LogDestinationType: ec2types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::" + bucket),
	}); err != nil {
		t.Fatal(err)
	}
}
