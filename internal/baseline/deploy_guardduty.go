package baseline

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"
)

// guardDutyOrganization makes, in every region, the organization calls
// CloudFormation has no resource for: it designates the delegated
// administrator (from the caller, the management account) and turns on
// auto-enable for every member, existing and new (in the administrator
// account, whose detector the GuardDuty StackSet created). Each call is made
// only when it changes something.
func (d *deployer) guardDutyOrganization(ctx context.Context, b *Baseline) error {
	const stackSet = StackSetPrefix + "guardduty"
	admin := b.Options.GuardDutyAdmin
	adminCfg, err := d.configIn(ctx, admin)
	if err != nil {
		return fmt.Errorf("GuardDuty administrator %s: %w", admin, err)
	}
	for _, region := range b.Options.Regions {
		mgmt := guardduty.NewFromConfig(d.o.AWS, func(o *guardduty.Options) { o.Region = region })
		enabled := false
		pages := guardduty.NewListOrganizationAdminAccountsPaginator(mgmt, &guardduty.ListOrganizationAdminAccountsInput{})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("GuardDuty in %s: list the delegated administrators (from the management account): %w", region, err)
			}
			for _, a := range page.AdminAccounts {
				if aws.ToString(a.AdminAccountId) == admin && a.AdminStatus != gdtypes.AdminStatusDisableInProgress {
					enabled = true
				}
			}
		}
		if !enabled {
			d.res.Changes = append(d.res.Changes, Change{StackSet: stackSet, Action: "enable GuardDuty administrator",
				Detail: admin, Instances: []Instance{{admin, region}}})
			if !d.o.DryRun {
				d.printf("%s: designating %s as GuardDuty administrator in %s", stackSet, admin, region)
				if _, err := mgmt.EnableOrganizationAdminAccount(ctx, &guardduty.EnableOrganizationAdminAccountInput{AdminAccountId: &admin}); err != nil {
					return fmt.Errorf("GuardDuty in %s: designate administrator %s: %w", region, admin, err)
				}
			}
		}
		gd := guardduty.NewFromConfig(adminCfg, func(o *guardduty.Options) { o.Region = region })
		ids, err := gd.ListDetectors(ctx, &guardduty.ListDetectorsInput{})
		if err != nil {
			return fmt.Errorf("GuardDuty in %s: list the detectors of administrator %s: %w", region, admin, err)
		}
		if len(ids.DetectorIds) == 0 {
			// In a dry run the StackSet may not have created it yet.
			d.res.Changes = append(d.res.Changes, Change{StackSet: stackSet, Action: "auto-enable GuardDuty members",
				Detail: "ALL, once the administrator's detector exists", Instances: []Instance{{admin, region}}})
			if !d.o.DryRun {
				d.fail(StackSet{Name: stackSet}, Instance{admin, region}, failure{"FAILED", "no GuardDuty detector in the administrator account: members not auto-enabled"})
			}
			continue
		}
		det := ids.DetectorIds[0]
		conf, err := gd.DescribeOrganizationConfiguration(ctx, &guardduty.DescribeOrganizationConfigurationInput{DetectorId: &det})
		if err != nil {
			return fmt.Errorf("GuardDuty in %s: organization configuration of detector %s: %w", region, det, err)
		}
		if conf.AutoEnableOrganizationMembers == gdtypes.AutoEnableMembersAll {
			continue
		}
		d.res.Changes = append(d.res.Changes, Change{StackSet: stackSet, Action: "auto-enable GuardDuty members",
			Detail: fmt.Sprintf("%s -> ALL", orNone(string(conf.AutoEnableOrganizationMembers))), Instances: []Instance{{admin, region}}})
		if d.o.DryRun {
			continue
		}
		d.printf("%s: auto-enabling GuardDuty for every member in %s", stackSet, region)
		if _, err := gd.UpdateOrganizationConfiguration(ctx, &guardduty.UpdateOrganizationConfigurationInput{
			DetectorId: &det, AutoEnableOrganizationMembers: gdtypes.AutoEnableMembersAll,
		}); err != nil {
			return fmt.Errorf("GuardDuty in %s: auto-enable members (detector %s): %w", region, det, err)
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "NONE"
	}
	return s
}
