package baseline

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/google/go-cmp/cmp"
)

// mutating are the calls that change AWS.
var mutating = []string{
	"CreateStackSet", "UpdateStackSet", "CreateStackInstances", "UpdateStackInstances", "DeleteStackInstances",
	"POST /admin/enable",
}

func renderFor(t *testing.T, w *world, mode Mode, regions ...string) *Baseline {
	t.Helper()
	o := Options{Mode: mode, MainAccount: mainAccount, MainRegion: region1, Regions: regions}
	if mode == ModeOrganization {
		o.OrganizationID, o.Accounts = w.orgID, w.accounts()
	} else {
		for i, m := range w.members {
			o.Members = append(o.Members, Member{m, fmt.Sprintf("member-%d@example.com", i)})
		}
	}
	b, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func deployOptions(w *world, progress *bytes.Buffer) DeployOptions {
	return DeployOptions{
		AWS: w.cfg, PollInterval: time.Millisecond, Progress: progress,
		MaxConcurrent: Preference{Value: 2}, FailureTolerance: Preference{Value: 0},
	}
}

// deployedInstances lists each StackSet's instances as moto has them.
func deployedInstances(t *testing.T, w *world, b *Baseline) map[string][]Instance {
	t.Helper()
	cf := cloudformation.NewFromConfig(w.cfg)
	out := map[string][]Instance{}
	for _, s := range b.StackSets {
		page, err := cf.ListStackInstances(t.Context(), &cloudformation.ListStackInstancesInput{StackSetName: &s.Name})
		if err != nil {
			t.Fatal(err)
		}
		var is []Instance
		for _, sum := range page.Summaries {
			is = append(is, Instance{aws.ToString(sum.Account), aws.ToString(sum.Region)})
		}
		out[s.Name] = sortedInstances(is)
	}
	return out
}

func wantInstances(b *Baseline) map[string][]Instance {
	out := map[string][]Instance{}
	for _, s := range b.StackSets {
		out[s.Name] = sortedInstances(slices.Clone(s.Instances))
	}
	return out
}

// batchesOf returns the (accounts, regions) of each operation deploying
// instances of stackSet, in call order.
func batchesOf(p *faultProxy, stackSet string, actions ...string) []string {
	var out []string
	for _, op := range p.calls(actions...) {
		if op.Form.Get("StackSetName") != stackSet {
			continue
		}
		var accounts, regions []string
		for i := 1; op.Form.Get(fmt.Sprintf("Accounts.member.%d", i)) != ""; i++ {
			accounts = append(accounts, op.Form.Get(fmt.Sprintf("Accounts.member.%d", i)))
		}
		for i := 1; op.Form.Get(fmt.Sprintf("Regions.member.%d", i)) != ""; i++ {
			regions = append(regions, op.Form.Get(fmt.Sprintf("Regions.member.%d", i)))
		}
		out = append(out, strings.Join(accounts, ",")+" x "+strings.Join(regions, ","))
	}
	return out
}

func TestDeployOrganization(t *testing.T) {
	w := newWorld(t, 2)
	sorted := w.sortedMembers() // Render sorts accounts
	m0, m1 := sorted[0], sorted[1]
	b := renderFor(t, w, ModeOrganization, region1, region2)
	// moto creates no GuardDuty detector for the StackSet's resource: create
	// the administrator's, as CloudFormation would have.
	for _, r := range []string{region1, region2} {
		if _, err := guardduty.NewFromConfig(w.in(t, mainAccount, r)).CreateDetector(t.Context(), &guardduty.CreateDetectorInput{Enable: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
	}
	// Throttling while waiting is retried.
	w.fault.Throttle("DescribeStackSetOperation", 2)

	var progress bytes.Buffer
	res, err := Deploy(t.Context(), b, deployOptions(w, &progress))
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Failed(); len(f) > 0 {
		t.Fatalf("failed instances: %+v\nprogress:\n%s", f, progress.String())
	}
	total := 0
	for _, s := range b.StackSets {
		total += len(s.Instances)
	}
	if len(res.Instances) != total {
		t.Errorf("%d instances reported, want %d", len(res.Instances), total)
	}
	if diff := cmp.Diff(wantInstances(b), deployedInstances(t, w, b)); diff != "" {
		t.Errorf("deployed instances (-want +got):\n%s", diff)
	}
	// Central resources first: the main account in the main region, then its
	// other regions, then the members.
	wantBatches := []string{mainAccount + " x " + region1, mainAccount + " x " + region2, m0 + "," + m1 + " x " + region1 + "," + region2}
	if diff := cmp.Diff(wantBatches, batchesOf(w.proxy, StackSetPrefix+"config", "CreateStackInstances")); diff != "" {
		t.Errorf("config operations (-want +got):\n%s", diff)
	}
	// The audit role once per account, in the global region; the
	// organization trail once.
	if diff := cmp.Diff([]string{mainAccount + " x " + region1, m0 + "," + m1 + " x " + region1}, batchesOf(w.proxy, StackSetPrefix+"audit-role", "CreateStackInstances")); diff != "" {
		t.Errorf("audit role operations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{mainAccount + " x " + region1}, batchesOf(w.proxy, StackSetPrefix+"cloudtrail", "CreateStackInstances")); diff != "" {
		t.Errorf("cloudtrail operations (-want +got):\n%s", diff)
	}
	// GuardDuty: the administrator designated and auto-enable turned on in
	// every region.
	var admins, autoEnable []string
	for _, op := range w.proxy.calls("POST /admin/enable") {
		admins = append(admins, op.Region+" "+op.Body)
	}
	for _, op := range w.proxy.ops {
		if strings.HasPrefix(op.Action, "POST /detector/") && strings.HasSuffix(op.Action, "/admin") {
			if !strings.Contains(op.Body, `"autoEnableOrganizationMembers":"ALL"`) {
				t.Errorf("auto-enable call %s", op.Body)
			}
			autoEnable = append(autoEnable, op.Region)
		}
	}
	slices.Sort(admins)
	slices.Sort(autoEnable)
	if diff := cmp.Diff([]string{region1 + ` {"adminAccountId":"` + mainAccount + `"}`, region2 + ` {"adminAccountId":"` + mainAccount + `"}`}, admins); diff != "" {
		t.Errorf("EnableOrganizationAdminAccount calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{region1, region2}, autoEnable); diff != "" {
		t.Errorf("UpdateOrganizationConfiguration calls (-want +got):\n%s", diff)
	}

	t.Run("second run changes nothing", func(t *testing.T) {
		w.proxy.clear()
		progress.Reset()
		res, err := Deploy(t.Context(), b, deployOptions(w, &progress))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Changes) > 0 {
			t.Errorf("changes: %+v", res.Changes)
		}
		if calls := w.proxy.calls(mutating...); len(calls) > 0 {
			t.Errorf("mutating calls: %+v", calls)
		}
		for _, op := range w.proxy.ops {
			if strings.HasPrefix(op.Action, "POST ") {
				t.Errorf("GuardDuty call %s", op.Action)
			}
		}
		if f := res.Failed(); len(f) > 0 {
			t.Errorf("failed: %+v", f)
		}
		if !strings.Contains(progress.String(), StackSetPrefix+"config: up to date (6 instances)") {
			t.Errorf("progress:\n%s", progress.String())
		}
	})

	t.Run("dry run reports a new region", func(t *testing.T) {
		w.proxy.clear()
		const region3 = "eu-central-1"
		b3 := renderFor(t, w, ModeOrganization, region1, region2, region3)
		o := deployOptions(w, &progress)
		o.DryRun = true
		res, err := Deploy(t.Context(), b3, o)
		if err != nil {
			t.Fatal(err)
		}
		if calls := w.proxy.calls(mutating...); len(calls) > 0 {
			t.Errorf("mutating calls in a dry run: %+v", calls)
		}
		got := map[string]string{}
		for _, c := range res.Changes {
			var is []string
			for _, i := range c.Instances {
				is = append(is, i.Account+"/"+i.Region)
			}
			got[strings.TrimPrefix(c.StackSet, StackSetPrefix)+": "+c.Action] = strings.TrimSpace(c.Detail + " " + strings.Join(is, " "))
		}
		want := map[string]string{
			"athena: update stack set":                  "parameters Regions",
			"config: create instances":                  fmt.Sprintf("%[1]s/%[2]s %[3]s/%[2]s %[4]s/%[2]s", mainAccount, region3, m0, m1),
			"flowlogs: create instances":                fmt.Sprintf("%[1]s/%[2]s %[3]s/%[2]s %[4]s/%[2]s", mainAccount, region3, m0, m1),
			"guardduty: create instances":               mainAccount + "/" + region3,
			"guardduty: enable GuardDuty administrator": mainAccount + " " + mainAccount + "/" + region3,
			"guardduty: auto-enable GuardDuty members":  "ALL, once the administrator's detector exists " + mainAccount + "/" + region3,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("dry-run changes (-want +got):\n%s", diff)
		}
		missing := 0
		for _, s := range res.Instances {
			if s.Status == "MISSING" {
				missing++
				if s.Region != region3 {
					t.Errorf("missing instance %+v", s)
				}
			}
		}
		if missing != 7 {
			t.Errorf("%d missing instances, want 7 (3 accounts for config and flowlogs, the administrator for guardduty, in %s)", missing, region3)
		}
	})
}

func TestDeployLeavesExtraInstances(t *testing.T) {
	w := newWorld(t, 1)
	b := renderFor(t, w, ModeInvitation, region1, region2)
	var progress bytes.Buffer
	if _, err := Deploy(t.Context(), b, deployOptions(w, &progress)); err != nil {
		t.Fatal(err)
	}
	// Leave region2 out: its instances stay, reported as extra.
	w.proxy.clear()
	res, err := Deploy(t.Context(), renderFor(t, w, ModeInvitation, region1), deployOptions(w, &progress))
	if err != nil {
		t.Fatal(err)
	}
	if calls := w.proxy.calls("DeleteStackInstances", "CreateStackInstances", "UpdateStackInstances"); len(calls) > 0 {
		t.Errorf("instance calls: %+v", calls)
	}
	var extra []string
	for _, s := range res.Extra {
		if s.Region != region2 || s.Status != "CURRENT" {
			t.Errorf("extra instance %+v", s)
		}
		extra = append(extra, strings.TrimPrefix(s.StackSet, StackSetPrefix))
	}
	// Two accounts in region2 for config, flowlogs and guardduty.
	want := []string{"config", "config", "flowlogs", "flowlogs", "guardduty", "guardduty"}
	if diff := cmp.Diff(want, extra); diff != "" {
		t.Errorf("extra instances (-want +got):\n%s", diff)
	}
	for _, c := range res.Changes {
		if c.Action != "update stack set" {
			t.Errorf("change %+v", c)
		}
	}
}

func TestDeployFailedInstance(t *testing.T) {
	w := newWorld(t, 2)
	m1 := w.members[1]
	b := renderFor(t, w, ModeInvitation, region1, region2)
	const reason = "Resource handler returned message: MaxNumberOfConfigurationRecordersExceededException"
	w.proxy.failInstance(StackSetPrefix+"config", m1, region2, reason)

	var progress bytes.Buffer
	res, err := Deploy(t.Context(), b, deployOptions(w, &progress))
	if err != nil {
		t.Fatal(err)
	}
	want := []InstanceStatus{{StackSet: StackSetPrefix + "config", Account: m1, Region: region2, Status: "OUTDATED", Reason: "FAILED: " + reason}}
	if diff := cmp.Diff(want, res.Failed()); diff != "" {
		t.Errorf("failed instances (-want +got):\n%s\nprogress:\n%s", diff, progress.String())
	}
	if !strings.Contains(progress.String(), StackSetPrefix+"config: create failed") {
		t.Errorf("progress does not show the failed operation:\n%s", progress.String())
	}
	// Invitation mode makes no GuardDuty organization calls; its members
	// accept invitations through the StackSet.
	if calls := w.proxy.calls("POST /admin/enable"); len(calls) > 0 {
		t.Errorf("organization calls in invitation mode: %+v", calls)
	}
	// The members' trails got the central key's ARN (an alias does not work
	// across accounts), passed once the main account's instance existed.
	cs, err := cloudformation.NewFromConfig(w.cfg).DescribeStackSet(t.Context(), &cloudformation.DescribeStackSetInput{StackSetName: aws.String(StackSetPrefix + "cloudtrail")})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := ""
	for _, p := range cs.StackSet.Parameters {
		if aws.ToString(p.ParameterKey) == "KeyArn" {
			keyARN = aws.ToString(p.ParameterValue)
		}
	}
	if !strings.HasPrefix(keyARN, "arn:aws:kms:"+region1+":"+mainAccount+":key/") {
		t.Errorf("KeyArn parameter %q", keyARN)
	}
	if diff := cmp.Diff([]string{mainAccount + " x " + region1, strings.Join(w.sortedMembers(), ",") + " x " + region1},
		batchesOf(w.proxy, StackSetPrefix+"cloudtrail", "CreateStackInstances")); diff != "" {
		t.Errorf("cloudtrail operations (-want +got):\n%s", diff)
	}
	if n := len(batchesOf(w.proxy, StackSetPrefix+"cloudtrail", "UpdateStackSet")); n != 1 {
		t.Errorf("%d cloudtrail StackSet updates, want 1 (the key ARN)", n)
	}
	// The StackSets after config still deployed.
	for _, s := range res.Instances {
		if s.StackSet == StackSetPrefix+"flowlogs" && !s.OK() {
			t.Errorf("flowlogs instance %+v", s)
		}
	}

	t.Run("rerun retries the failed instance only", func(t *testing.T) {
		w.proxy.failInstance(StackSetPrefix+"config", m1, region2, "")
		w.proxy.clear()
		res, err := Deploy(t.Context(), b, deployOptions(w, &progress))
		if err != nil {
			t.Fatal(err)
		}
		want := []Change{{StackSet: StackSetPrefix + "config", Action: "update instances", Detail: "not current", Instances: []Instance{{m1, region2}}}}
		if diff := cmp.Diff(want, res.Changes); diff != "" {
			t.Errorf("changes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{m1 + " x " + region2}, batchesOf(w.proxy, StackSetPrefix+"config", "UpdateStackInstances")); diff != "" {
			t.Errorf("operations (-want +got):\n%s", diff)
		}
		if f := res.Failed(); len(f) > 0 {
			t.Errorf("failed: %+v", f)
		}
	})

	t.Run("then nothing to do", func(t *testing.T) {
		w.proxy.clear()
		res, err := Deploy(t.Context(), b, deployOptions(w, &progress))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Changes) > 0 || len(w.proxy.calls(mutating...)) > 0 {
			t.Errorf("changes %+v, calls %+v", res.Changes, w.proxy.calls(mutating...))
		}
	})
}
