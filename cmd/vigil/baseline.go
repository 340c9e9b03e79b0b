package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vigil-sec/vigil/internal/baseline"
	_ "github.com/vigil-sec/vigil/internal/collect" // register the collectors: the audit role's policy comes from them
	"github.com/vigil-sec/vigil/internal/report"
)

func init() { commands = append(commands, newBaselineCmd) }

// baselineFlags describe the baseline; render, deploy and status share
// them.
type baselineFlags struct {
	mode            string
	mainAccount     string
	mainRegion      string
	globalRegion    string
	organizationID  string
	accounts        []string
	members         []string
	regions         []string
	bucketPrefix    string
	projectionStart string
	guardDutyAdmin  string
}

func (f *baselineFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.mode, "mode", string(baseline.ModeOrganization), "organization (AWS Organizations) or invitation (accounts outside an organization)")
	fs.StringVar(&f.mainAccount, "main-account", "", "account holding the central buckets, the Config aggregator and the Athena tables (deploy, status: the caller's)")
	fs.StringVar(&f.mainRegion, "main-region", "", "region of the central resources and the StackSets (deploy, status: --region's)")
	fs.StringVar(&f.globalRegion, "global-region", "", "the one region where Config records global resources and the audit role is deployed (default: --main-region)")
	fs.StringVar(&f.organizationID, "organization-id", "", "organization ID o-... (deploy: from AWS Organizations)")
	fs.StringSliceVar(&f.accounts, "accounts", nil, "accounts of the baseline (deploy, status: every active account of the organization)")
	fs.StringArrayVar(&f.members, "member", nil, "invitation mode: a member account and its e-mail address, ACCOUNT=EMAIL (repeatable)")
	fs.StringSliceVar(&f.regions, "regions", nil, "regions of the baseline (deploy, status: every enabled region)")
	fs.StringVar(&f.bucketPrefix, "bucket-prefix", baseline.DefaultBucketPrefix, "start of the central buckets' names: <prefix>-cloudtrail-<main account>, ...")
	fs.StringVar(&f.projectionStart, "projection-start", baseline.DefaultProjectionStart, "first day the Athena tables read, YYYY/MM/DD")
	fs.StringVar(&f.guardDutyAdmin, "guardduty-admin", "", "organization mode: the GuardDuty delegated administrator (default: --main-account)")
}

// options turns the flags into render options.
func (f *baselineFlags) options() (baseline.Options, error) {
	o := baseline.Options{
		Mode: baseline.Mode(f.mode), MainAccount: f.mainAccount, MainRegion: f.mainRegion, GlobalRegion: f.globalRegion,
		OrganizationID: f.organizationID, Accounts: f.accounts, Regions: f.regions, BucketPrefix: f.bucketPrefix,
		ProjectionStart: f.projectionStart, GuardDutyAdmin: f.guardDutyAdmin,
	}
	for _, m := range f.members {
		account, email, ok := strings.Cut(m, "=")
		if !ok {
			return o, usagef("--member %q: want ACCOUNT=EMAIL", m)
		}
		o.Members = append(o.Members, baseline.Member{Account: strings.TrimSpace(account), Email: strings.TrimSpace(email)})
	}
	return o, nil
}

// resolve fills in from AWS what the flags leave out: the main account
// (the caller), the organization and its accounts, the enabled regions.
func (f *baselineFlags) resolve(ctx context.Context, cfg aws.Config) (baseline.Options, error) {
	o, err := f.options()
	if err != nil {
		return o, err
	}
	if o.MainAccount == "" {
		if o.MainAccount, err = baseline.CallerAccount(ctx, cfg); err != nil {
			return o, err
		}
	}
	if o.MainRegion == "" {
		o.MainRegion = cfg.Region
	}
	if o.Mode == baseline.ModeOrganization && (o.OrganizationID == "" || len(o.Accounts) == 0) {
		id, accounts, err := baseline.Organization(ctx, cfg)
		if err != nil {
			return o, fmt.Errorf("%w (give --organization-id and --accounts, or run from the management account)", err)
		}
		if o.OrganizationID == "" {
			o.OrganizationID = id
		}
		if len(o.Accounts) == 0 {
			o.Accounts = accounts
		}
	}
	if len(o.Regions) == 0 {
		if o.Regions, err = baseline.EnabledRegions(ctx, cfg); err != nil {
			return o, err
		}
	}
	return o, nil
}

func newBaselineCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Render, deploy and verify the multi-account security baseline",
		Long: `The baseline Vigil comes from, as CloudFormation StackSets: GuardDuty and AWS Config in every
account and region, CloudTrail and VPC Flow Logs into central buckets and CloudWatch Logs, Athena
tables and saved queries over the buckets, and AssumableSecurityAuditRole in every account.

  render   writes the templates and their parameters files (docs/baseline.md explains them)
  policy   prints the audit role's policy, derived from what Vigil's collectors call
  deploy   creates or updates the StackSets and their instances, and reports each one
  status   checks, service by service, that every control is on in every account and region`,
		Args: usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newBaselineRenderCmd(a), newBaselinePolicyCmd(a), newBaselineDeployCmd(a), newBaselineStatusCmd(a))
	return cmd
}

func newBaselineRenderCmd(a *app) *cobra.Command {
	var f baselineFlags
	var out string
	cmd := &cobra.Command{
		Use:   "render --out DIR --main-account ID --regions R,... (--organization-id o-... --accounts ID,... | --mode invitation --member ID=EMAIL ...)",
		Short: "Write the baseline's CloudFormation templates and parameters files",
		Long: `Write one commented CloudFormation template (<name>.yaml) and one parameters file
(<name>.parameters.json) per StackSet into --out, and stacksets.json, which lists the StackSets in
deployment order with the accounts and regions of their instances. Render calls no AWS API.`,
		Example: `  vigil baseline render --out ./baseline --main-account 111122223333 --main-region eu-west-1 \
    --regions eu-west-1,us-east-1 --organization-id o-a1b2c3d4e5 --accounts 444455556666,777788889999
  vigil baseline render --out ./baseline --mode invitation --main-account 111122223333 \
    --regions eu-west-1 --member 444455556666=security+dev@example.com`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("--out is required")
			}
			o, err := f.options()
			if err != nil {
				return err
			}
			b, err := baseline.Render(o)
			if err != nil {
				return usageError{err}
			}
			files, err := b.Write(out)
			if err != nil {
				return err
			}
			for _, s := range b.StackSets {
				fmt.Fprintf(a.stdout, "%-36s %3d instances  %s\n", s.Name, len(s.Instances), s.Description)
			}
			fmt.Fprintf(a.stdout, "wrote %d files to %s\n", len(files), out)
			return nil
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "folder to write the templates into")
	return cmd
}

func newBaselinePolicyCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "policy [--format json|actions]",
		Short: "Print the audit role's IAM policy",
		Long: `Print the IAM policy of AssumableSecurityAuditRole: every action Vigil's collectors declare, plus
the calls of vigil baseline status. It is derived from the collectors at run time, so it is the
policy this version of Vigil needs; the audit role template carries the same actions.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			actions := baseline.AuditActions()
			switch format {
			case "json":
				b, err := baseline.AuditPolicy(actions)
				if err != nil {
					return err
				}
				_, err = a.stdout.Write(b)
				return err
			case "actions":
				_, err := fmt.Fprintln(a.stdout, strings.Join(actions, "\n"))
				return err
			}
			return usagef("unknown --format %q (want json or actions)", format)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "json", "json (an IAM policy document) or actions (one per line)")
	return cmd
}

type baselineDeployOptions struct {
	aws              awsFlags
	baseline         baselineFlags
	maxConcurrent    string
	failureTolerance string
	dryRun           bool
	adminRoleARN     string
	executionRole    string
	pollInterval     time.Duration
	format           string
}

func newBaselineDeployCmd(a *app) *cobra.Command {
	var o baselineDeployOptions
	cmd := &cobra.Command{
		Use:   "deploy [--dry-run] [--accounts ID,...] [--regions R,...] [--max-concurrent N|N%] [--failure-tolerance N|N%]",
		Short: "Create or update the baseline's StackSets and their instances",
		Long: `Render the baseline and deploy it through the CloudFormation StackSets API (self-managed
permissions: AWSCloudFormationStackSetAdministrationRole in this account and
AWSCloudFormationStackSetExecutionRole in every target, or --execution-role). Run it from the main
account, in the main region; in organization mode from the management account, which lists the
accounts and designates the GuardDuty administrator.

Each StackSet is compared with what is deployed first: only a changed template or parameter, or a
missing or outdated instance, starts an operation, so running deploy again changes nothing. The
main account's instance in the main region goes first, then its other regions, then the other
accounts. Each operation is awaited; one that fails stops the rest of its StackSet, the other
StackSets go on. --dry-run prints what would change and changes nothing.

Exit status: 0 every instance is current, 3 some are not (listed with CloudFormation's reason), 1
deploy could not run.`,
		Example: `  vigil baseline deploy --dry-run
  vigil baseline deploy --regions eu-west-1,us-east-1 --max-concurrent 25% --failure-tolerance 1
  vigil baseline deploy --mode invitation --member 444455556666=security+dev@example.com --regions eu-west-1`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBaselineDeploy(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	o.aws.register(f)
	o.baseline.register(f)
	f.StringVar(&o.maxConcurrent, "max-concurrent", "1", "accounts deployed at once per region: a count or a percentage (25%)")
	f.StringVar(&o.failureTolerance, "failure-tolerance", "0", "failed accounts per region before an operation stops: a count or a percentage")
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would change and change nothing")
	f.StringVar(&o.adminRoleARN, "administration-role-arn", "", "StackSets administration role (default: AWSCloudFormationStackSetAdministrationRole)")
	f.StringVar(&o.executionRole, "execution-role", "", "StackSets execution role in each target (default: AWSCloudFormationStackSetExecutionRole)")
	f.DurationVar(&o.pollInterval, "poll-interval", 10*time.Second, "wait between checks of a running operation")
	f.StringVarP(&o.format, "format", "f", "table", "instance report format: "+strings.Join(report.Formats, ", "))
	return cmd
}

func runBaselineDeploy(ctx context.Context, a *app, o baselineDeployOptions) error {
	mc, err := baseline.ParsePreference(o.maxConcurrent)
	if err != nil {
		return usagef("--max-concurrent %w", err)
	}
	if mc.Value == 0 {
		return usagef("--max-concurrent must be at least 1")
	}
	ft, err := baseline.ParsePreference(o.failureTolerance)
	if err != nil {
		return usagef("--failure-tolerance %w", err)
	}
	if !slices.Contains(report.Formats, o.format) {
		return usagef("unknown --format %q (want one of %s)", o.format, strings.Join(report.Formats, ", "))
	}
	cfg, err := o.aws.config(ctx)
	if err != nil {
		return err
	}
	if o.baseline.mainRegion != "" {
		cfg.Region = o.baseline.mainRegion
	}
	opts, err := o.baseline.resolve(ctx, cfg)
	if err != nil {
		return err
	}
	b, err := baseline.Render(opts)
	if err != nil {
		return usageError{err}
	}
	res, err := baseline.Deploy(ctx, b, baseline.DeployOptions{
		AWS: cfg, AdministrationRoleARN: o.adminRoleARN, ExecutionRoleName: o.executionRole,
		MaxConcurrent: mc, FailureTolerance: ft, DryRun: o.dryRun, PollInterval: o.pollInterval,
		Progress: a.stderr, Log: a.log,
	})
	if err != nil {
		return err
	}
	if len(res.Changes) == 0 {
		fmt.Fprintln(a.stdout, "No changes: every StackSet is up to date.")
	} else {
		title := "Changes made:"
		if o.dryRun {
			title = "Changes a deploy would make (dry run):"
		}
		fmt.Fprintln(a.stdout, title)
		for _, c := range res.Changes {
			line := "  " + c.StackSet + ": " + c.Action
			if c.Detail != "" {
				line += " (" + c.Detail + ")"
			}
			if len(c.Instances) > 0 {
				line += ": " + instanceList(c.Instances)
			}
			fmt.Fprintln(a.stdout, line)
		}
	}
	fmt.Fprintln(a.stdout)
	var rows [][]any
	for _, s := range res.Instances {
		rows = append(rows, []any{s.StackSet, s.Account, s.Region, s.Status, s.Reason})
	}
	if err := report.WriteRows(a.stdout, o.format, []string{"stackset", "account", "region", "status", "reason"}, rows); err != nil {
		return err
	}
	if len(res.Extra) > 0 {
		fmt.Fprintf(a.stdout, "\n%d instances are deployed but no longer in the baseline; deploy leaves them alone:\n", len(res.Extra))
		for _, s := range res.Extra {
			fmt.Fprintf(a.stdout, "  %s %s/%s (%s)\n", s.StackSet, s.Account, s.Region, s.Status)
		}
	}
	if failed := res.Failed(); len(failed) > 0 && !o.dryRun {
		return &exitError{code: exitFindings, err: fmt.Errorf("%d of %d stack instances are not current", len(failed), len(res.Instances))}
	}
	return nil
}

// instanceList renders instances as account/region, at most ten.
func instanceList(is []baseline.Instance) string {
	var parts []string
	for i, x := range is {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("and %d more", len(is)-10))
			break
		}
		parts = append(parts, x.Account+"/"+x.Region)
	}
	return strings.Join(parts, " ")
}

type baselineStatusOptions struct {
	aws       awsFlags
	baseline  baselineFlags
	roleName  string
	mfaSerial string
	mfaToken  string
	lake      string
	format    string
	parallel  int
}

func newBaselineStatusCmd(a *app) *cobra.Command {
	var o baselineStatusOptions
	cmd := &cobra.Command{
		Use:   "status [--accounts ID,...] [--regions R,...] [--lake DIR] [--mfa-serial ARN --mfa-token CODE]",
		Short: "Verify, account by account and region by region, that the baseline is on",
		Long: `Ask each service, not CloudFormation, whether its control is on in every account and region:
GuardDuty detector enabled and publishing to the administrator, Config recorder recording with a
working delivery channel (and global resources recorded in --global-region), a trail logging
with log file validation, a flow log on every VPC, and AssumableSecurityAuditRole assumable from
this account. Checks run as AssumableSecurityAuditRole in each account (or --role-name); when the
role requires MFA, give --mfa-serial and --mfa-token (one code serves every account).

The matrix is printed and, with --lake, stored as a new snapshot in <lake>/baseline_status/.
Exit status: 0 every control is on everywhere, 3 something is off or could not be checked, 1
status could not run.`,
		Example: `  vigil baseline status --mfa-serial arn:aws:iam::111122223333:mfa/me --mfa-token 123456
  vigil baseline status --accounts 444455556666 --regions eu-west-1 --role-name OrganizationAccountAccessRole
  vigil baseline status --lake ./lake --format json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBaselineStatus(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	o.aws.register(f)
	o.baseline.register(f)
	f.StringVar(&o.roleName, "role-name", baseline.AuditRoleName, "role assumed in each account for the checks")
	f.StringVar(&o.mfaSerial, "mfa-serial", "", "MFA device ARN, for roles that require MFA")
	f.StringVar(&o.mfaToken, "mfa-token", "", "current MFA code (with --mfa-serial)")
	f.StringVar(&o.lake, "lake", "", "also store the matrix in this lake folder (baseline_status)")
	f.StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(report.Formats, ", ")+" (table prints the matrix)")
	f.IntVar(&o.parallel, "parallel", 8, "account × region checks at once")
	return cmd
}

func runBaselineStatus(ctx context.Context, a *app, o baselineStatusOptions) error {
	if !slices.Contains(report.Formats, o.format) {
		return usagef("unknown --format %q (want one of %s)", o.format, strings.Join(report.Formats, ", "))
	}
	if (o.mfaSerial == "") != (o.mfaToken == "") {
		return usagef("give --mfa-serial and --mfa-token together")
	}
	cfg, err := o.aws.config(ctx)
	if err != nil {
		return err
	}
	if o.baseline.mainRegion != "" {
		cfg.Region = o.baseline.mainRegion
	}
	if o.mfaSerial != "" {
		if cfg, err = baseline.MFASession(ctx, cfg, o.mfaSerial, o.mfaToken, time.Hour); err != nil {
			return err
		}
	}
	mode := baseline.Mode(o.baseline.mode)
	if mode != baseline.ModeOrganization && mode != baseline.ModeInvitation {
		return usagef("--mode %q: want organization or invitation", o.baseline.mode)
	}
	opts, err := o.baseline.resolve(ctx, cfg)
	if err != nil {
		return err
	}
	accounts := append(slices.Clone(opts.Accounts), opts.MainAccount)
	for _, m := range opts.Members {
		accounts = append(accounts, m.Account)
	}
	admin := opts.GuardDutyAdmin
	if admin == "" || mode == baseline.ModeInvitation {
		admin = opts.MainAccount
	}
	global := opts.GlobalRegion
	if global == "" {
		global = opts.MainRegion
	}
	m, err := baseline.Status(ctx, baseline.StatusOptions{
		AWS: cfg, Accounts: accounts, Regions: opts.Regions, GlobalRegion: global, GuardDutyAdmin: admin,
		RoleName: o.roleName, Parallel: o.parallel, Log: a.log,
	})
	if err != nil {
		return err
	}
	if err := printStatus(a, o.format, m); err != nil {
		return err
	}
	if o.lake != "" {
		path, err := baseline.WriteStatus(o.lake, m)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stderr, "status stored in %s\n", path)
	}
	if p := m.Problems(); len(p) > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("%d of %d controls are not on", len(p), len(m.Cells))}
	}
	return nil
}

// printStatus prints the matrix (table: one row per account and region,
// one column per control, then the problems) or its cells.
func printStatus(a *app, format string, m *baseline.Matrix) error {
	if format != "table" {
		var rows [][]any
		for _, c := range m.Cells {
			rows = append(rows, []any{c.Account, c.Region, string(c.Control), string(c.Status), c.Detail, m.CheckedAt})
		}
		return report.WriteRows(a.stdout, format, []string{"account", "region", "control", "status", "detail", "checked_at"}, rows)
	}
	columns := []string{"account", "region"}
	for _, c := range baseline.RegionalControls {
		columns = append(columns, string(c))
	}
	columns = append(columns, string(baseline.ControlAuditRole))
	var rows [][]any
	for _, account := range m.Accounts {
		role, _ := m.Cell(account, baseline.GlobalRegion, baseline.ControlAuditRole)
		for _, region := range m.Regions {
			row := []any{account, region}
			for _, c := range baseline.RegionalControls {
				cell, _ := m.Cell(account, region, c)
				row = append(row, stateText(cell.Status))
			}
			rows = append(rows, append(row, stateText(role.Status)))
		}
	}
	if err := report.WriteRows(a.stdout, "table", columns, rows); err != nil {
		return err
	}
	problems := m.Problems()
	if len(problems) == 0 {
		_, err := fmt.Fprintf(a.stdout, "\nEvery control is on in %d accounts × %d regions.\n", len(m.Accounts), len(m.Regions))
		return err
	}
	fmt.Fprintf(a.stdout, "\n%d problems:\n", len(problems))
	for _, c := range problems {
		fmt.Fprintf(a.stdout, "  %s %s %s %s: %s\n", c.Account, c.Region, c.Control, c.Status, c.Detail)
	}
	return nil
}

// stateText makes what is not on stand out in the matrix.
func stateText(s baseline.State) string {
	if s == baseline.StateOn {
		return "on"
	}
	return strings.ToUpper(string(s))
}
