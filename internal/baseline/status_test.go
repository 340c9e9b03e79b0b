package baseline

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
)

var checkTime = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// cellKey names a cell in expectations: account/region/control.
func cellKey(account, region string, c Control) string {
	return account + "/" + region + "/" + string(c)
}

// states returns the matrix's states by cell key.
func states(m *Matrix) map[string]State {
	out := map[string]State{}
	for _, c := range m.Cells {
		out[cellKey(c.Account, c.Region, c.Control)] = c.Status
	}
	return out
}

// allOn is the expected state of a fully enabled world.
func allOn(accounts []string) map[string]State {
	out := map[string]State{}
	for _, a := range accounts {
		out[cellKey(a, GlobalRegion, ControlAuditRole)] = StateOn
		for _, r := range []string{region1, region2} {
			for _, c := range RegionalControls {
				out[cellKey(a, r, c)] = StateOn
			}
		}
	}
	return out
}

func TestStatus(t *testing.T) {
	type cell struct {
		account int // index into world.accounts(): 0 is the main account
		region  string
		control Control
		state   State
		detail  string // part of the cell's detail
	}
	for _, tc := range []struct {
		name     string
		roleName string
		// breakWorld turns controls off after everything was enabled.
		breakWorld func(t *testing.T, w *world)
		want       []cell // the cells that are not on
	}{
		{name: "all on"},
		{
			name: "partially enabled",
			breakWorld: func(t *testing.T, w *world) {
				ctx := t.Context()
				m0, m1 := w.members[0], w.members[1]
				// m0, region2: no detector; m1, region1: detector disabled.
				gd := guardduty.NewFromConfig(w.in(t, m0, region2))
				ids, _ := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
				mustDo(t, func() error {
					_, err := gd.DeleteDetector(ctx, &guardduty.DeleteDetectorInput{DetectorId: &ids.DetectorIds[0]})
					return err
				})
				gd = guardduty.NewFromConfig(w.in(t, m1, region1))
				ids, _ = gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
				mustDo(t, func() error {
					_, err := gd.UpdateDetector(ctx, &guardduty.UpdateDetectorInput{DetectorId: &ids.DetectorIds[0], Enable: aws.Bool(false)})
					return err
				})
				// Main account, region2: recorder stopped. m0, region1 (the
				// global region): global resource types not recorded.
				mustDo(t, func() error {
					_, err := configservice.NewFromConfig(w.in(t, mainAccount, region2)).StopConfigurationRecorder(ctx,
						&configservice.StopConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")})
					return err
				})
				mustDo(t, func() error {
					_, err := configservice.NewFromConfig(w.in(t, m0, region1)).PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{
						ConfigurationRecorder: &cstypes.ConfigurationRecorder{Name: aws.String("default"), RoleARN: aws.String("arn:aws:iam::" + m0 + ":role/config"),
							RecordingGroup: &cstypes.RecordingGroup{AllSupported: true}}})
					return err
				})
				// m1, region2: the delivery channel fails (faultProxy reports
				// deliveries to broken-* buckets as failing).
				mustDo(t, func() error {
					_, err := configservice.NewFromConfig(w.in(t, m1, region2)).PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{
						DeliveryChannel: &cstypes.DeliveryChannel{Name: aws.String("default"), S3BucketName: aws.String(brokenBucketPrefix + m1)}})
					return err
				})
				// m1: trail stopped (every region); main account: no log
				// file validation.
				mustDo(t, func() error {
					_, err := cloudtrail.NewFromConfig(w.in(t, m1, region1)).StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String("baseline")})
					return err
				})
				mustDo(t, func() error {
					_, err := cloudtrail.NewFromConfig(w.in(t, mainAccount, region1)).UpdateTrail(ctx, &cloudtrail.UpdateTrailInput{
						Name: aws.String("baseline"), EnableLogFileValidation: aws.Bool(false)})
					return err
				})
				// m0, region2: a new VPC without flow logs.
				mustDo(t, func() error {
					_, err := ec2.NewFromConfig(w.in(t, m0, region2)).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
					return err
				})
			},
			want: []cell{
				{1, region2, ControlGuardDuty, StateOff, "No GuardDuty detector."},
				{2, region1, ControlGuardDuty, StateOff, "is disabled."},
				{0, region2, ControlConfig, StateOff, "is not recording."},
				{1, region1, ControlConfig, StateOff, "does not record global resource types (IAM) in eu-west-1"},
				{2, region2, ControlConfig, StateOff, "Delivery channel default fails: NoSuchBucket: The specified bucket does not exist."},
				{2, region1, ControlCloudTrail, StateOff, "is not logging."},
				{2, region2, ControlCloudTrail, StateOff, "is not logging."},
				{0, region1, ControlCloudTrail, StateOff, "does not validate log files."},
				{0, region2, ControlCloudTrail, StateOff, "does not validate log files."},
				{1, region2, ControlFlowLogs, StateOff, "1 of 2 VPCs have no working flow log: vpc-"},
			},
		},
		{
			name: "audit role missing",
			breakWorld: func(t *testing.T, w *world) {
				w.proxy.denyRole("arn:aws:iam::" + w.members[1] + ":role/" + AuditRoleName)
			},
			want: []cell{
				{2, GlobalRegion, ControlAuditRole, StateOff, "cannot be assumed: STS AssumeRole: AccessDenied"},
				{2, region1, ControlGuardDuty, StateError, "Not checked: role AssumableSecurityAuditRole cannot be assumed"},
				{2, region1, ControlConfig, StateError, "Not checked"},
				{2, region1, ControlCloudTrail, StateError, "Not checked"},
				{2, region1, ControlFlowLogs, StateError, "Not checked"},
				{2, region2, ControlGuardDuty, StateError, "Not checked"},
				{2, region2, ControlConfig, StateError, "Not checked"},
				{2, region2, ControlCloudTrail, StateError, "Not checked"},
				{2, region2, ControlFlowLogs, StateError, "Not checked"},
			},
		},
		{
			name:     "audit role missing, checked with another role",
			roleName: "OrganizationAccountAccessRole",
			breakWorld: func(t *testing.T, w *world) {
				w.proxy.denyRole("arn:aws:iam::" + w.members[1] + ":role/" + AuditRoleName)
			},
			want: []cell{{2, GlobalRegion, ControlAuditRole, StateOff, "AccessDenied"}},
		},
		{
			name: "region not enabled",
			breakWorld: func(t *testing.T, w *world) {
				w.fault.FailRegion(region2, "UnrecognizedClientException", 400)
			},
			want: func() []cell {
				var out []cell
				for a := range 3 {
					for _, c := range RegionalControls {
						out = append(out, cell{a, region2, c, StateError, "UnrecognizedClientException"})
					}
				}
				return out
			}(),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, 2)
			for _, a := range w.accounts() {
				for _, r := range []string{region1, region2} {
					w.enable(t, a, r, mainAccount)
				}
			}
			if tc.breakWorld != nil {
				tc.breakWorld(t, w)
			}
			m, err := Status(t.Context(), StatusOptions{
				AWS: w.cfg, Accounts: w.accounts(), Regions: []string{region2, region1}, GlobalRegion: region1,
				GuardDutyAdmin: mainAccount, RoleName: tc.roleName, Now: checkTime,
			})
			if err != nil {
				t.Fatal(err)
			}
			want := allOn(w.accounts())
			for _, c := range tc.want {
				want[cellKey(w.accounts()[c.account], c.region, c.control)] = c.state
			}
			if diff := cmp.Diff(want, states(m)); diff != "" {
				t.Errorf("states (-want +got):\n%s", diff)
				for _, c := range m.Problems() {
					t.Logf("%s %s %s: %s: %s", c.Account, c.Region, c.Control, c.Status, c.Detail)
				}
			}
			for _, c := range tc.want {
				got, _ := m.Cell(w.accounts()[c.account], c.region, c.control)
				if !strings.Contains(got.Detail, c.detail) {
					t.Errorf("%s %s %s: detail %q, want it to contain %q", got.Account, got.Region, got.Control, got.Detail, c.detail)
				}
			}
			if m.OK() != (len(tc.want) == 0) {
				t.Errorf("OK() = %v with %d problems", m.OK(), len(m.Problems()))
			}
			for _, c := range m.Cells {
				if c.Detail == "" || !strings.HasSuffix(c.Detail, ".") && !strings.HasSuffix(c.Detail, ")") {
					t.Errorf("%s %s %s: detail %q is not a sentence", c.Account, c.Region, c.Control, c.Detail)
				}
			}
		})
	}
}

func mustDo(t *testing.T, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatal(err)
	}
}

// TestStatusPermissions checks that every call Status makes in the audited
// accounts is in StatusPermissions (so the audit role allows it) and that
// the list holds nothing Status does not call.
func TestStatusPermissions(t *testing.T) {
	w := newWorld(t, 1)
	for _, a := range w.accounts() {
		for _, r := range []string{region1, region2} {
			w.enable(t, a, r, mainAccount)
		}
	}
	var mu sync.Mutex
	called := map[string]bool{}
	cfg := w.cfg.Copy()
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("record-action",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				service := iamPrefix[awsmiddleware.GetServiceID(ctx)]
				if service != "sts" { // made as the main account, not in the audit role
					mu.Lock()
					called[service+":"+awsmiddleware.GetOperationName(ctx)] = true
					mu.Unlock()
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
	if _, err := Status(t.Context(), StatusOptions{AWS: cfg, Accounts: w.accounts(), Regions: []string{region1, region2},
		GlobalRegion: region1, GuardDutyAdmin: mainAccount, Now: checkTime}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for a := range called {
		got = append(got, a)
	}
	slices.Sort(got)
	if diff := cmp.Diff(StatusPermissions, got); diff != "" {
		t.Errorf("actions called vs StatusPermissions (-declared +called):\n%s", diff)
	}
}

// iamPrefix maps SDK service IDs to IAM action prefixes.
var iamPrefix = map[string]string{
	"GuardDuty": "guardduty", "Config Service": "config", "CloudTrail": "cloudtrail", "EC2": "ec2", "STS": "sts",
}

func TestWriteStatus(t *testing.T) {
	m := &Matrix{CheckedAt: checkTime, Cells: []Cell{
		{Account: "111111111111", Region: GlobalRegion, Control: ControlAuditRole, Status: StateOn, Detail: "Role can be assumed."},
		{Account: "111111111111", Region: "eu-west-1", Control: ControlGuardDuty, Status: StateOff, Detail: "No GuardDuty detector."},
		{Account: "222222222222", Region: "eu-west-1", Control: ControlFlowLogs, Status: StateError, Detail: "Not checked: throttled."},
	}}
	dir := t.TempDir()
	path, err := WriteStatus(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "baseline_status", "status-20261101T120000.000Z.parquet"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	rows, err := parquet.ReadFile[statusRow](path)
	if err != nil {
		t.Fatal(err)
	}
	var want []statusRow
	for _, c := range m.Cells {
		want = append(want, statusRow{c.Account, c.Region, string(c.Control), string(c.Status), c.Detail, checkTime})
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	// A second run adds a snapshot; the first stays; no temporary file
	// is left behind.
	m.CheckedAt = checkTime.Add(time.Hour)
	if _, err := WriteStatus(dir, m); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "baseline_status"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"status-20261101T120000.000Z.parquet", "status-20261101T130000.000Z.parquet"}, names); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if _, err := WriteStatus(dir, m); err == nil {
		t.Error("a second snapshot at the same time overwrote the first")
	}
}
