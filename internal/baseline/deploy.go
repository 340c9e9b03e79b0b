package baseline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Preference is a StackSets operation preference: a count, or a
// percentage of the targets.
type Preference struct {
	Value   int
	Percent bool
}

// ParsePreference reads "3" or "25%".
func ParsePreference(s string) (Preference, error) {
	v, percent := strings.CutSuffix(strings.TrimSpace(s), "%")
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || (percent && n > 100) {
		return Preference{}, fmt.Errorf("%q: want a count (3) or a percentage (25%%)", s)
	}
	return Preference{Value: n, Percent: percent}, nil
}

func (p Preference) String() string {
	if p.Percent {
		return strconv.Itoa(p.Value) + "%"
	}
	return strconv.Itoa(p.Value)
}

// DeployOptions configure Deploy.
type DeployOptions struct {
	// AWS acts in the StackSets' administrator account; its Region is where
	// the StackSets live (the baseline's main region).
	AWS aws.Config
	// AdministrationRoleARN and ExecutionRoleName are the self-managed
	// StackSets roles (empty: CloudFormation's defaults,
	// AWSCloudFormationStackSetAdministrationRole in the administrator
	// account and AWSCloudFormationStackSetExecutionRole in each target).
	AdministrationRoleARN string
	ExecutionRoleName     string
	// MaxConcurrent bounds the accounts deployed at once per region
	// (default 1); FailureTolerance the failed accounts per region before
	// an operation stops (default 0).
	MaxConcurrent, FailureTolerance Preference
	// DryRun compares and reports what would change, and changes nothing.
	DryRun bool
	// PollInterval is the wait between checks of a running operation
	// (default 10 s).
	PollInterval time.Duration
	// Progress receives one line per step (nil: none).
	Progress io.Writer
	// AssumeRole returns a configuration acting in another account than
	// the caller's (the GuardDuty administrator in organization mode, the
	// main account's CloudTrail key in invitation mode); nil assumes
	// ExecutionRoleName there.
	AssumeRole func(ctx context.Context, account string) (aws.Config, error)
	// Log receives debug lines (nil: discard).
	Log *slog.Logger
}

// Change is something Deploy changes, or would change in a dry run.
type Change struct {
	StackSet string
	// Action: "create stack set", "update stack set", "create instances",
	// "update instances", "enable GuardDuty administrator" or
	// "auto-enable GuardDuty members".
	Action    string
	Detail    string
	Instances []Instance
}

// InstanceStatus is the final state of one stack instance.
type InstanceStatus struct {
	StackSet string
	Account  string
	Region   string
	// Status is CloudFormation's (CURRENT, OUTDATED, INOPERABLE), MISSING
	// when the instance does not exist, or SKIPPED when an earlier
	// operation of its StackSet failed.
	Status string
	Reason string
}

// OK reports whether the instance is deployed with the current template.
func (s InstanceStatus) OK() bool { return s.Status == string(cftypes.StackInstanceStatusCurrent) }

// DeployResult is what Deploy did (or would do) and the instances' state.
type DeployResult struct {
	Changes   []Change
	Instances []InstanceStatus
	// Extra are instances of the baseline's StackSets that the baseline no
	// longer wants (an account or region left out): Deploy leaves them
	// alone.
	Extra []InstanceStatus
}

// Failed returns the instances that are not CURRENT.
func (r *DeployResult) Failed() []InstanceStatus {
	var out []InstanceStatus
	for _, s := range r.Instances {
		if !s.OK() {
			out = append(out, s)
		}
	}
	return out
}

// capabilities: the audit role has a fixed name.
var capabilities = []cftypes.Capability{cftypes.CapabilityCapabilityIam, cftypes.CapabilityCapabilityNamedIam}

// Deploy creates or updates b's StackSets and their instances, in order,
// one operation at a time, waiting for each. A StackSet whose template,
// parameters and instances are already current is left alone, so running
// Deploy twice changes nothing the second time. In organization mode it
// then designates the GuardDuty administrator and turns on auto-enable in
// every region. An operation that fails stops the rest of its StackSet; the
// other StackSets still deploy. The returned error is for what prevented
// deploying at all (credentials, API errors); failed instances are in the
// result.
func Deploy(ctx context.Context, b *Baseline, o DeployOptions) (*DeployResult, error) {
	if o.PollInterval <= 0 {
		o.PollInterval = 10 * time.Second
	}
	if o.MaxConcurrent.Value == 0 && !o.MaxConcurrent.Percent {
		o.MaxConcurrent.Value = 1
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	d := &deployer{
		o: o, cf: cloudformation.NewFromConfig(o.AWS), res: &DeployResult{},
		main:   Instance{b.Options.MainAccount, b.Options.MainRegion},
		failed: map[string]map[Instance]failure{},
	}
	for _, s := range b.StackSets {
		if err := d.stackSet(ctx, s); err != nil {
			return d.res, err
		}
	}
	if b.Options.Mode == ModeOrganization {
		if err := d.guardDutyOrganization(ctx, b); err != nil {
			return d.res, err
		}
	}
	for _, s := range b.StackSets {
		if err := d.report(ctx, s); err != nil {
			return d.res, err
		}
	}
	return d.res, nil
}

type deployer struct {
	o      DeployOptions
	cf     *cloudformation.Client
	res    *DeployResult
	main   Instance // the main account in the main region
	caller string   // the caller's account, once known
	// failed holds, per StackSet, the instances an operation failed or
	// skipped.
	failed map[string]map[Instance]failure
}

// failure is an operation's result for an instance: why it is not
// deployed, or SUCCEEDED.
type failure struct {
	status string // the operation result's status, or SKIPPED
	reason string
}

func (d *deployer) fail(s StackSet, i Instance, f failure) {
	m := d.failed[s.Name]
	if m == nil {
		m = map[Instance]failure{}
		d.failed[s.Name] = m
	}
	m[i] = f
}

func (d *deployer) printf(format string, args ...any) {
	fmt.Fprintf(d.o.Progress, format+"\n", args...)
}

// stackSetPlan is what one StackSet needs.
type stackSetPlan struct {
	create   bool
	update   []string // why the StackSet needs an update
	missing  []Instance
	outdated []Instance
}

// plan compares the deployed StackSet with s.
func (d *deployer) plan(ctx context.Context, s StackSet) (stackSetPlan, error) {
	var p stackSetPlan
	out, err := d.cf.DescribeStackSet(ctx, &cloudformation.DescribeStackSetInput{StackSetName: &s.Name})
	var nf *cftypes.StackSetNotFoundException
	switch {
	case errors.As(err, &nf):
		p.create = true
		p.missing = s.Instances
		return p, nil
	case err != nil:
		return p, fmt.Errorf("describe StackSet %s: %w", s.Name, err)
	}
	cur := out.StackSet
	if cur.Status == cftypes.StackSetStatusDeleted {
		p.create = true
		p.missing = s.Instances
		return p, nil
	}
	if aws.ToString(cur.TemplateBody) != s.Template {
		p.update = append(p.update, "template changed")
	}
	have := map[string]string{}
	for _, prm := range cur.Parameters {
		have[aws.ToString(prm.ParameterKey)] = aws.ToString(prm.ParameterValue)
	}
	want := map[string]string{}
	for _, prm := range s.Parameters {
		want[prm.Key] = prm.Value
	}
	var changed []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if v, ok := have[k]; !ok || v != want[k] {
			changed = append(changed, k)
		}
	}
	// Parameters deployed but no longer passed are not compared: they are
	// either template defaults CloudFormation lists, or gone from the
	// template, which then differs too.
	if len(changed) > 0 {
		p.update = append(p.update, "parameters "+strings.Join(changed, ", "))
	}
	if d.o.ExecutionRoleName != "" && aws.ToString(cur.ExecutionRoleName) != d.o.ExecutionRoleName {
		p.update = append(p.update, "execution role "+d.o.ExecutionRoleName)
	}
	if d.o.AdministrationRoleARN != "" && aws.ToString(cur.AdministrationRoleARN) != d.o.AdministrationRoleARN {
		p.update = append(p.update, "administration role "+d.o.AdministrationRoleARN)
	}
	deployed, err := d.instances(ctx, s.Name)
	if err != nil {
		return p, err
	}
	for _, i := range s.Instances {
		sum, ok := deployed[i]
		switch {
		case !ok:
			p.missing = append(p.missing, i)
		case sum.Status == cftypes.StackInstanceStatusOutdated:
			// INOPERABLE instances cannot be updated (an operator deletes
			// them, retaining their stacks): they are only reported.
			p.outdated = append(p.outdated, i)
		}
	}
	for _, i := range sortedInstances(slices.Collect(maps.Keys(deployed))) {
		if !slices.Contains(s.Instances, i) {
			sum := deployed[i]
			d.res.Extra = append(d.res.Extra, InstanceStatus{StackSet: s.Name, Account: i.Account, Region: i.Region,
				Status: string(sum.Status), Reason: "not in the baseline: left alone"})
		}
	}
	return p, nil
}

// instances lists a StackSet's deployed instances.
func (d *deployer) instances(ctx context.Context, name string) (map[Instance]cftypes.StackInstanceSummary, error) {
	out := map[Instance]cftypes.StackInstanceSummary{}
	pages := cloudformation.NewListStackInstancesPaginator(d.cf, &cloudformation.ListStackInstancesInput{StackSetName: &name})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list instances of StackSet %s: %w", name, err)
		}
		for _, s := range page.Summaries {
			out[Instance{aws.ToString(s.Account), aws.ToString(s.Region)}] = s
		}
	}
	return out, nil
}

// stackSet brings one StackSet up to date.
func (d *deployer) stackSet(ctx context.Context, s StackSet) error {
	keyARN := ""
	if needsTrailKey(s) {
		var err error
		if keyARN, err = d.trailKeyARN(ctx); err != nil {
			return err
		}
		s = s.withParameter("KeyArn", keyARN)
	}
	p, err := d.plan(ctx, s)
	if err != nil {
		return err
	}
	change := func(action, detail string, is []Instance) {
		d.res.Changes = append(d.res.Changes, Change{StackSet: s.Name, Action: action, Detail: detail, Instances: is})
	}
	if p.create {
		change("create stack set", "", nil)
	}
	if len(p.update) > 0 {
		change("update stack set", strings.Join(p.update, "; "), nil)
	}
	if len(p.missing) > 0 {
		change("create instances", "", p.missing)
	}
	// An update of the StackSet updates every instance; otherwise retry
	// the instances an earlier run left outdated.
	if len(p.outdated) > 0 && len(p.update) == 0 {
		change("update instances", "not current", p.outdated)
	}
	if !p.create && len(p.update) == 0 && len(p.missing) == 0 && len(p.outdated) == 0 {
		d.printf("%s: up to date (%d instances)", s.Name, len(s.Instances))
		return nil
	}
	if d.o.DryRun {
		return nil
	}
	if p.create {
		d.printf("%s: creating the StackSet", s.Name)
		in := &cloudformation.CreateStackSetInput{
			StackSetName: &s.Name, Description: &s.Description, TemplateBody: &s.Template,
			Parameters: cfParameters(s.Parameters), Capabilities: capabilities,
			PermissionModel: cftypes.PermissionModelsSelfManaged,
			Tags:            []cftypes.Tag{{Key: aws.String("vigil:baseline"), Value: aws.String(s.Short)}},
		}
		if d.o.AdministrationRoleARN != "" {
			in.AdministrationRoleARN = &d.o.AdministrationRoleARN
		}
		if d.o.ExecutionRoleName != "" {
			in.ExecutionRoleName = &d.o.ExecutionRoleName
		}
		if _, err := d.cf.CreateStackSet(ctx, in); err != nil {
			return fmt.Errorf("create StackSet %s: %w", s.Name, err)
		}
	}
	if len(p.update) > 0 {
		d.printf("%s: updating the StackSet (%s)", s.Name, strings.Join(p.update, "; "))
		in := &cloudformation.UpdateStackSetInput{
			StackSetName: &s.Name, Description: &s.Description, TemplateBody: &s.Template,
			Parameters: cfParameters(s.Parameters), Capabilities: capabilities,
			OperationPreferences: d.preferences(),
		}
		if d.o.AdministrationRoleARN != "" {
			in.AdministrationRoleARN = &d.o.AdministrationRoleARN
		}
		if d.o.ExecutionRoleName != "" {
			in.ExecutionRoleName = &d.o.ExecutionRoleName
		}
		out, err := d.cf.UpdateStackSet(ctx, in)
		if err != nil {
			return fmt.Errorf("update StackSet %s: %w", s.Name, err)
		}
		ok, err := d.wait(ctx, s, aws.ToString(out.OperationId), "update", nil)
		if err != nil || !ok {
			d.skip(s, append(p.missing, p.outdated...), "not deployed: the StackSet update failed")
			return err
		}
	}
	batches := d.batches(p.missing)
	for bi, batch := range batches {
		accounts, regions := batch.accounts, batch.regions
		d.printf("%s: creating %d instances: %s in %s", s.Name, len(accounts)*len(regions), strings.Join(accounts, ","), strings.Join(regions, ","))
		out, err := d.cf.CreateStackInstances(ctx, &cloudformation.CreateStackInstancesInput{
			StackSetName: &s.Name, Accounts: accounts, Regions: regions, OperationPreferences: d.preferences(),
		})
		if err != nil {
			return fmt.Errorf("create instances of StackSet %s: %w", s.Name, err)
		}
		ok, err := d.wait(ctx, s, aws.ToString(out.OperationId), "create", batch.instances())
		if err != nil || !ok {
			for _, rest := range batches[bi+1:] {
				d.skip(s, rest.instances(), "not created: an earlier operation of the StackSet failed")
			}
			return err
		}
		if needsTrailKey(s) && keyARN == "" && bi+1 < len(batches) {
			// The main account's instance created the key: pass its ARN
			// to the others.
			if keyARN, err = d.trailKeyARN(ctx); err != nil {
				return err
			}
			if keyARN == "" {
				return fmt.Errorf("StackSet %s: no key %s in the main account after its instance was created", s.Name, trailKeyAlias)
			}
			s = s.withParameter("KeyArn", keyARN)
			d.printf("%s: passing the key %s to the other accounts", s.Name, keyARN)
			out, err := d.cf.UpdateStackSet(ctx, &cloudformation.UpdateStackSetInput{
				StackSetName: &s.Name, UsePreviousTemplate: aws.Bool(true), Parameters: cfParameters(s.Parameters),
				Capabilities: capabilities, OperationPreferences: d.preferences(),
			})
			if err != nil {
				return fmt.Errorf("update StackSet %s: %w", s.Name, err)
			}
			if ok, err := d.wait(ctx, s, aws.ToString(out.OperationId), "update", nil); err != nil || !ok {
				for _, rest := range batches[bi+1:] {
					d.skip(s, rest.instances(), "not created: the key ARN could not be passed")
				}
				return err
			}
		}
	}
	if len(p.update) > 0 {
		return nil
	}
	batches = d.batches(p.outdated)
	for bi, batch := range batches {
		accounts, regions := batch.accounts, batch.regions
		d.printf("%s: updating %d instances: %s in %s", s.Name, len(accounts)*len(regions), strings.Join(accounts, ","), strings.Join(regions, ","))
		out, err := d.cf.UpdateStackInstances(ctx, &cloudformation.UpdateStackInstancesInput{
			StackSetName: &s.Name, Accounts: accounts, Regions: regions, OperationPreferences: d.preferences(),
		})
		if err != nil {
			return fmt.Errorf("update instances of StackSet %s: %w", s.Name, err)
		}
		ok, err := d.wait(ctx, s, aws.ToString(out.OperationId), "update", batch.instances())
		if err != nil || !ok {
			for _, rest := range batches[bi+1:] {
				d.skip(s, rest.instances(), "not updated: an earlier operation of the StackSet failed")
			}
			return err
		}
	}
	return nil
}

// skip marks instances no operation reached, unless an operation already
// gave them a reason.
func (d *deployer) skip(s StackSet, is []Instance, reason string) {
	for _, i := range is {
		if _, ok := d.failed[s.Name][i]; !ok {
			d.fail(s, i, failure{"SKIPPED", reason})
		}
	}
}

func (d *deployer) preferences() *cftypes.StackSetOperationPreferences {
	p := &cftypes.StackSetOperationPreferences{RegionConcurrencyType: cftypes.RegionConcurrencyTypeParallel}
	mc, ft := int32(d.o.MaxConcurrent.Value), int32(d.o.FailureTolerance.Value)
	if d.o.MaxConcurrent.Percent {
		p.MaxConcurrentPercentage = &mc
	} else {
		p.MaxConcurrentCount = &mc
	}
	if d.o.FailureTolerance.Percent {
		p.FailureTolerancePercentage = &ft
	} else {
		p.FailureToleranceCount = &ft
	}
	return p
}

// batch is one operation's targets: every account in every region.
type batch struct {
	accounts, regions []string
}

func (b batch) instances() []Instance {
	var out []Instance
	for _, a := range b.accounts {
		for _, r := range b.regions {
			out = append(out, Instance{a, r})
		}
	}
	return out
}

// batches groups instances, in order, into operations: instances of the
// same deployment phase whose accounts have the same regions form one
// operation. The phases (main account and region, the main account's other
// regions, the other accounts) are never merged, so central resources exist
// before the instances that use them.
func (d *deployer) batches(is []Instance) []batch {
	var out []batch
	for phase := 0; phase <= 2; phase++ {
		regionsOf := map[string][]string{}
		var accounts []string
		for _, i := range is {
			if d.phase(i) != phase {
				continue
			}
			if _, ok := regionsOf[i.Account]; !ok {
				accounts = append(accounts, i.Account)
			}
			regionsOf[i.Account] = append(regionsOf[i.Account], i.Region)
		}
		byRegions := map[string]int{}
		for _, a := range accounts {
			key := strings.Join(regionsOf[a], ",")
			j, ok := byRegions[key]
			if !ok {
				j = len(out)
				byRegions[key] = j
				out = append(out, batch{regions: regionsOf[a]})
			}
			out[j].accounts = append(out[j].accounts, a)
		}
	}
	return out
}

// phase is an instance's deployment phase (see StackSet.Instances).
func (d *deployer) phase(i Instance) int {
	switch {
	case i.Account == d.main.Account && i.Region == d.main.Region:
		return 0
	case i.Account == d.main.Account:
		return 1
	}
	return 2
}

// wait waits for an operation to end and records its failed instances;
// it reports whether the operation succeeded.
func (d *deployer) wait(ctx context.Context, s StackSet, id, what string, targets []Instance) (bool, error) {
	start := time.Now()
	lastPrint := start
	for {
		out, err := d.cf.DescribeStackSetOperation(ctx, &cloudformation.DescribeStackSetOperationInput{StackSetName: &s.Name, OperationId: &id})
		if err != nil {
			return false, fmt.Errorf("StackSet %s: operation %s: %w", s.Name, id, err)
		}
		st := out.StackSetOperation.Status
		switch st {
		case cftypes.StackSetOperationStatusSucceeded, cftypes.StackSetOperationStatusFailed, cftypes.StackSetOperationStatusStopped:
			results, err := d.results(ctx, s, id)
			if err != nil {
				return false, err
			}
			ok, failed := 0, 0
			for i, r := range results {
				if r.status == string(cftypes.StackSetOperationResultStatusSucceeded) {
					ok++
					continue
				}
				failed++
				d.fail(s, i, r)
			}
			d.printf("%s: %s %s after %s: %d succeeded, %d failed", s.Name, what, strings.ToLower(string(st)), time.Since(start).Round(time.Second), ok, failed)
			if st != cftypes.StackSetOperationStatusSucceeded {
				reason := aws.ToString(out.StackSetOperation.StatusReason)
				for _, i := range targets {
					if _, seen := results[i]; !seen {
						d.skip(s, []Instance{i}, "operation "+strings.ToLower(string(st))+" before reaching it "+reason)
					}
				}
			}
			return st == cftypes.StackSetOperationStatusSucceeded, nil
		}
		if time.Since(lastPrint) >= 30*time.Second {
			d.printf("%s: %s %s, %s", s.Name, what, strings.ToLower(string(st)), time.Since(start).Round(time.Second))
			lastPrint = time.Now()
		}
		d.o.Log.Debug("waiting for StackSet operation", "stackset", s.Name, "operation", id, "status", st)
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(d.o.PollInterval):
		}
	}
}

// results returns an operation's result per instance.
func (d *deployer) results(ctx context.Context, s StackSet, id string) (map[Instance]failure, error) {
	out := map[Instance]failure{}
	pages := cloudformation.NewListStackSetOperationResultsPaginator(d.cf, &cloudformation.ListStackSetOperationResultsInput{StackSetName: &s.Name, OperationId: &id})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("StackSet %s: results of operation %s: %w", s.Name, id, err)
		}
		for _, r := range page.Summaries {
			out[Instance{aws.ToString(r.Account), aws.ToString(r.Region)}] = failure{string(r.Status), aws.ToString(r.StatusReason)}
		}
	}
	return out, nil
}

// report records the final state of s's instances.
func (d *deployer) report(ctx context.Context, s StackSet) error {
	deployed := map[Instance]cftypes.StackInstanceSummary{}
	if !d.o.DryRun || !d.created(s.Name) {
		var err error
		deployed, err = d.instances(ctx, s.Name)
		var nf *cftypes.StackSetNotFoundException
		if err != nil && !errors.As(err, &nf) {
			return err
		}
	}
	for _, i := range s.Instances {
		st := InstanceStatus{StackSet: s.Name, Account: i.Account, Region: i.Region, Status: "MISSING"}
		if sum, ok := deployed[i]; ok {
			st.Status = string(sum.Status)
			st.Reason = aws.ToString(sum.StatusReason)
			if sum.StackInstanceStatus != nil && sum.Status != cftypes.StackInstanceStatusCurrent {
				st.Reason = strings.TrimSpace(string(sum.StackInstanceStatus.DetailedStatus) + " " + st.Reason)
			}
		}
		if f, ok := d.failed[s.Name][i]; ok {
			if st.Status == "MISSING" && f.status == "SKIPPED" {
				st.Status = "SKIPPED"
			}
			if st.Status == string(cftypes.StackInstanceStatusCurrent) {
				// CloudFormation kept the instance, but the last
				// operation on it failed.
				st.Status = string(cftypes.StackInstanceStatusOutdated)
			}
			st.Reason = strings.TrimSpace(f.status + ": " + f.reason)
		}
		d.res.Instances = append(d.res.Instances, st)
	}
	return nil
}

// created reports whether the plan would create the StackSet (dry run).
func (d *deployer) created(name string) bool {
	for _, c := range d.res.Changes {
		if c.StackSet == name && c.Action == "create stack set" {
			return true
		}
	}
	return false
}

func cfParameters(ps []Parameter) []cftypes.Parameter {
	out := make([]cftypes.Parameter, 0, len(ps))
	for _, p := range ps {
		out = append(out, cftypes.Parameter{ParameterKey: aws.String(p.Key), ParameterValue: aws.String(p.Value)})
	}
	return out
}

func sortedInstances(is []Instance) []Instance {
	slices.SortFunc(is, func(a, b Instance) int {
		if c := strings.Compare(a.Account, b.Account); c != 0 {
			return c
		}
		return strings.Compare(a.Region, b.Region)
	})
	return is
}
