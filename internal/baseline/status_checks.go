package baseline

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
)

// guardDuty: a detector is enabled and, outside the administrator account,
// is a member of the administrator with an enabled relationship, so its
// findings are published there.
func (r *regionCheck) guardDuty(ctx context.Context) (State, string, error) {
	c := guardduty.NewFromConfig(r.cfg)
	ids, err := c.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	if err != nil {
		return "", "", err
	}
	if len(ids.DetectorIds) == 0 {
		return StateOff, "No GuardDuty detector.", nil
	}
	id := ids.DetectorIds[0]
	det, err := c.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: &id})
	if err != nil {
		return "", "", err
	}
	if det.Status != gdtypes.DetectorStatusEnabled {
		return StateOff, fmt.Sprintf("Detector %s is %s.", id, strings.ToLower(string(det.Status))), nil
	}
	admin := r.o.GuardDutyAdmin
	if admin == "" || admin == r.account {
		return StateOn, fmt.Sprintf("Detector %s is enabled (the administrator's).", id), nil
	}
	out, err := c.GetAdministratorAccount(ctx, &guardduty.GetAdministratorAccountInput{DetectorId: &id})
	if err != nil {
		return "", "", err
	}
	got := out.Administrator
	switch {
	case got == nil || aws.ToString(got.AccountId) == "":
		return StateOff, fmt.Sprintf("Detector %s is enabled but has no administrator: its findings do not reach %s.", id, admin), nil
	case aws.ToString(got.AccountId) != admin:
		return StateOff, fmt.Sprintf("Detector %s publishes to %s, not to %s.", id, aws.ToString(got.AccountId), admin), nil
	case !strings.EqualFold(aws.ToString(got.RelationshipStatus), "Enabled"):
		return StateOff, fmt.Sprintf("Detector %s: relationship with administrator %s is %s.", id, admin, aws.ToString(got.RelationshipStatus)), nil
	}
	return StateOn, fmt.Sprintf("Detector %s is enabled and publishes to %s.", id, admin), nil
}

// config: a recorder is recording without failure, a delivery channel
// delivers without failure, and in the global region global resource types
// are recorded.
func (r *regionCheck) config(ctx context.Context) (State, string, error) {
	c := configservice.NewFromConfig(r.cfg)
	st, err := c.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
	if err != nil {
		return "", "", err
	}
	if len(st.ConfigurationRecordersStatus) == 0 {
		return StateOff, "No AWS Config recorder.", nil
	}
	var rec *cstypes.ConfigurationRecorderStatus
	for i, s := range st.ConfigurationRecordersStatus {
		if s.Recording {
			rec = &st.ConfigurationRecordersStatus[i]
			break
		}
	}
	if rec == nil {
		return StateOff, fmt.Sprintf("Recorder %s is not recording.", aws.ToString(st.ConfigurationRecordersStatus[0].Name)), nil
	}
	name := aws.ToString(rec.Name)
	if rec.LastStatus == cstypes.RecorderStatusFailure {
		return StateOff, fmt.Sprintf("Recorder %s fails: %s: %s.", name, aws.ToString(rec.LastErrorCode), strings.TrimSuffix(aws.ToString(rec.LastErrorMessage), ".")), nil
	}
	ch, err := c.DescribeDeliveryChannelStatus(ctx, &configservice.DescribeDeliveryChannelStatusInput{})
	if err != nil {
		return "", "", err
	}
	if len(ch.DeliveryChannelsStatus) == 0 {
		return StateOff, fmt.Sprintf("Recorder %s records but there is no delivery channel.", name), nil
	}
	channel := ch.DeliveryChannelsStatus[0]
	for _, info := range []*cstypes.ConfigExportDeliveryInfo{channel.ConfigHistoryDeliveryInfo, channel.ConfigSnapshotDeliveryInfo} {
		if info != nil && info.LastStatus == cstypes.DeliveryStatusFailure {
			return StateOff, fmt.Sprintf("Delivery channel %s fails: %s: %s.", aws.ToString(channel.Name), aws.ToString(info.LastErrorCode), strings.TrimSuffix(aws.ToString(info.LastErrorMessage), ".")), nil
		}
	}
	if s := channel.ConfigStreamDeliveryInfo; s != nil && s.LastStatus == cstypes.DeliveryStatusFailure {
		return StateOff, fmt.Sprintf("Delivery channel %s fails to notify: %s: %s.", aws.ToString(channel.Name), aws.ToString(s.LastErrorCode), strings.TrimSuffix(aws.ToString(s.LastErrorMessage), ".")), nil
	}
	if r.region == r.o.GlobalRegion {
		recs, err := c.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{ConfigurationRecorderNames: []string{name}})
		if err != nil {
			return "", "", err
		}
		if len(recs.ConfigurationRecorders) == 0 || !recordsGlobal(recs.ConfigurationRecorders[0].RecordingGroup) {
			return StateOff, fmt.Sprintf("Recorder %s does not record global resource types (IAM) in %s, the global region.", name, r.region), nil
		}
	}
	return StateOn, fmt.Sprintf("Recorder %s is recording; delivery channel %s delivers.", name, aws.ToString(channel.Name)), nil
}

func recordsGlobal(g *cstypes.RecordingGroup) bool {
	if g == nil {
		return false
	}
	if g.AllSupported && g.IncludeGlobalResourceTypes {
		return true
	}
	return slices.ContainsFunc(g.ResourceTypes, func(t cstypes.ResourceType) bool { return strings.HasPrefix(string(t), "AWS::IAM::") })
}

// cloudTrail: a trail that covers the region (its own or a multi-region
// trail, organization trails included) is logging and validates log files.
func (r *regionCheck) cloudTrail(ctx context.Context) (State, string, error) {
	c := cloudtrail.NewFromConfig(r.cfg)
	out, err := c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		return "", "", err
	}
	var problems []string
	covered := false
	for _, t := range out.TrailList {
		if aws.ToString(t.HomeRegion) != r.region && !aws.ToBool(t.IsMultiRegionTrail) {
			continue
		}
		covered = true
		arn := aws.ToString(t.TrailARN)
		st, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: &arn})
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("trail %s: %s", arn, reason(err)))
		case !aws.ToBool(st.IsLogging):
			problems = append(problems, fmt.Sprintf("trail %s is not logging", arn))
		case !aws.ToBool(t.LogFileValidationEnabled):
			problems = append(problems, fmt.Sprintf("trail %s does not validate log files", arn))
		default:
			return StateOn, fmt.Sprintf("Trail %s is logging with log file validation.", arn), nil
		}
	}
	if !covered {
		return StateOff, fmt.Sprintf("No trail logs %s.", r.region), nil
	}
	detail := strings.Join(problems, "; ")
	return StateOff, strings.ToUpper(detail[:1]) + detail[1:] + ".", nil
}

// flowLogs: every VPC has an active flow log whose delivery has not
// failed.
func (r *regionCheck) flowLogs(ctx context.Context) (State, string, error) {
	c := ec2.NewFromConfig(r.cfg)
	var vpcs []string
	vp := ec2.NewDescribeVpcsPaginator(c, &ec2.DescribeVpcsInput{})
	for vp.HasMorePages() {
		page, err := vp.NextPage(ctx)
		if err != nil {
			return "", "", err
		}
		for _, v := range page.Vpcs {
			vpcs = append(vpcs, aws.ToString(v.VpcId))
		}
	}
	if len(vpcs) == 0 {
		return StateOn, "No VPCs.", nil
	}
	logged := map[string]bool{}
	fp := ec2.NewDescribeFlowLogsPaginator(c, &ec2.DescribeFlowLogsInput{})
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			return "", "", err
		}
		for _, f := range page.FlowLogs {
			if aws.ToString(f.FlowLogStatus) == "ACTIVE" && aws.ToString(f.DeliverLogsStatus) != "FAILED" {
				logged[aws.ToString(f.ResourceId)] = true
			}
		}
	}
	var missing []string
	for _, v := range vpcs {
		if !logged[v] {
			missing = append(missing, v)
		}
	}
	slices.Sort(missing)
	if len(missing) == 1 && len(vpcs) == 1 {
		return StateOff, fmt.Sprintf("VPC %s has no working flow log.", missing[0]), nil
	}
	if len(missing) > 0 {
		return StateOff, fmt.Sprintf("%d of %d VPCs have no working flow log: %s.", len(missing), len(vpcs), list(missing, 10)), nil
	}
	if len(vpcs) == 1 {
		return StateOn, fmt.Sprintf("VPC %s has a flow log.", vpcs[0]), nil
	}
	return StateOn, fmt.Sprintf("All %d VPCs have flow logs.", len(vpcs)), nil
}
