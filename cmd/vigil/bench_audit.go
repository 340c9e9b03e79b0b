package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/vigil-sec/vigil/internal/audit"
	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

type benchAuditOptions struct {
	accounts  int
	regions   int
	latency   time.Duration
	parallel  int
	perRegion int
	users     int
	buckets   int
	volumes   int
	evalCopy  int
}

var benchRegions = []string{"us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1", "ap-northeast-1"}

func newBenchAuditCmd(a *app) *cobra.Command {
	var o benchAuditOptions
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Audit a synthetic organization in a local moto behind a latency proxy; print time, calls, memory and ratios",
		Long: `Start moto_server on loopback, seed an organization (--accounts members, each with --per-region
security groups in each of --regions regions and --users IAM users), put a proxy adding --latency
to every call in front of it, and run vigil audit --all --parallel N through it.

Baseline, measured in the same run: one account audited alone, with one account at a time; the
ratio is (that time × accounts) / the parallel run's time. Also prints API calls per account and in
total, peak memory, and the time to evaluate every check over --eval-accounts copies of the
collected snapshots (the "all checks over 100 accounts" figure).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.accounts < 1 || o.regions < 1 || o.regions > len(benchRegions) {
				return usagef("bench audit: want --accounts ≥ 1 and 1 ≤ --regions ≤ %d", len(benchRegions))
			}
			return runBenchAudit(cmd.Context(), a.stdout, o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.accounts, "accounts", 50, "member accounts")
	f.IntVar(&o.regions, "regions", 4, "regions per account")
	f.DurationVar(&o.latency, "latency", 50*time.Millisecond, "latency added to every API call")
	f.IntVar(&o.parallel, "parallel", 10, "accounts audited at once")
	f.IntVar(&o.perRegion, "per-region", 5, "security groups per account and region")
	f.IntVar(&o.users, "users", 5, "IAM users per account (each with an access key)")
	f.IntVar(&o.buckets, "buckets", 2, "S3 buckets per account")
	f.IntVar(&o.volumes, "volumes", 2, "EBS volumes per account and region")
	f.IntVar(&o.evalCopy, "eval-accounts", 100, "accounts' snapshots to evaluate every check over")
	return cmd
}

func runBenchAudit(ctx context.Context, w io.Writer, o benchAuditOptions) error {
	endpoint, stop, err := awsfake.Launch()
	if err != nil {
		return err
	}
	defer stop()
	proxy, stopProxy, err := awsfake.StartFaultProxy(endpoint)
	if err != nil {
		return err
	}
	defer stopProxy()
	direct := awsapi.Options{Region: "us-east-1", EndpointURL: endpoint}
	cfg, err := awsapi.Config(ctx, direct)
	if err != nil {
		return err
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("bench", "bench", ""))
	regions := benchRegions[:o.regions]
	t0 := time.Now()
	if err := seedBenchOrg(ctx, cfg, direct, o, regions); err != nil {
		return err
	}
	resources := o.users + o.buckets + o.regions*(o.perRegion+o.volumes)
	fmt.Fprintf(w, "seeded %d accounts × %d regions, %d resources each (%d security groups, %d volumes, %d users, %d buckets) in %s\n",
		o.accounts, o.regions, resources, o.perRegion*o.regions, o.volumes*o.regions, o.users, o.buckets, time.Since(t0).Round(time.Millisecond))

	proxy.SetLatency(o.latency)
	via := awsapi.Options{Region: "us-east-1", EndpointURL: proxy.URL}
	pcfg, err := awsapi.Config(ctx, via)
	if err != nil {
		return err
	}
	pcfg.Credentials = cfg.Credentials
	run := func(accounts []string, all bool, parallel int) (*audit.Result, time.Duration, error) {
		start := time.Now()
		res, err := audit.Run(ctx, audit.Options{AWS: pcfg, Endpoint: via, All: all, Accounts: accounts, Parallel: parallel,
			Regions: regions, RatePerService: 0})
		return res, time.Since(start), err
	}
	// Baseline: one member alone.
	org := organizations.NewFromConfig(cfg)
	list, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil {
		return err
	}
	var one string
	for _, acc := range list.Accounts {
		if aws.ToString(acc.Id) != "123456789012" {
			one = aws.ToString(acc.Id)
			break
		}
	}
	_, base, err := run([]string{one}, false, 1)
	if err != nil {
		return err
	}
	res, took, err := run(nil, true, o.parallel)
	if err != nil {
		return err
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	calls := 0
	per := make([]int, 0, len(res.Run.Accounts))
	failed := 0
	for _, ar := range res.Run.Accounts {
		calls += ar.Calls
		per = append(per, ar.Calls)
		if ar.Status == "failed" {
			failed++
		}
	}
	sort.Ints(per)
	n := len(res.Run.Accounts)
	fmt.Fprintf(w, "latency %s per call, --parallel %d\n", o.latency, o.parallel)
	fmt.Fprintf(w, "  baseline: 1 account alone          %8s\n", base.Round(time.Millisecond))
	fmt.Fprintf(w, "  audit --all: %d accounts (%d failed) %8s   ratio vs one at a time: %.1f×\n", n, failed, took.Round(time.Millisecond),
		float64(base)*float64(n)/float64(took))
	fmt.Fprintf(w, "  API calls: %d total, per account min %d / median %d / max %d\n", calls, per[0], per[len(per)/2], per[len(per)-1])
	fmt.Fprintf(w, "  results: %d; peak memory (RSS) %s\n", len(res.Run.Results), mb(ru.Maxrss*1024))

	// Every check over evalCopy accounts' snapshots.
	var accts []*compliance.Account
	for i := 0; i < o.evalCopy; i++ {
		snap := res.Snapshots[i%len(res.Snapshots)]
		id := fmt.Sprintf("%012d", 100000000000+i)
		items := make([]*inventory.Item, len(snap.Items))
		for j, it := range snap.Items {
			c := *it
			c.AccountID = id
			items[j] = &c
		}
		accts = append(accts, compliance.NewAccount(id, items))
	}
	start := time.Now()
	results := 0
	for _, acc := range accts {
		rs, err := compliance.Evaluate(acc, compliance.Options{})
		if err != nil {
			return err
		}
		results += len(rs)
	}
	fmt.Fprintf(w, "  all %d checks over %d accounts' snapshots: %s (%d results)\n", len(compliance.Checks()), o.evalCopy,
		time.Since(start).Round(time.Millisecond), results)
	return nil
}

// seedBenchOrg creates the organization and the members' resources.
func seedBenchOrg(ctx context.Context, cfg aws.Config, endpoint awsapi.Options, o benchAuditOptions, regions []string) error {
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		return err
	}
	var ids []string
	for i := 0; i < o.accounts; i++ {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(fmt.Sprintf("member-%03d", i)),
			Email: aws.String(fmt.Sprintf("m%d@example.com", i))})
		if err != nil {
			return err
		}
		ids = append(ids, aws.ToString(out.CreateAccountStatus.AccountId))
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, id := range ids {
		g.Go(func() error {
			mcfg := cfg.Copy()
			mcfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg),
				"arn:aws:iam::"+id+":role/OrganizationAccountAccessRole"))
			c := iam.NewFromConfig(mcfg)
			for u := 0; u < o.users; u++ {
				name := aws.String(fmt.Sprintf("user-%d", u))
				if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil {
					return err
				}
				if _, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: name}); err != nil {
					return err
				}
			}
			s3c := awsapi.S3Client(mcfg, endpoint)
			for b := 0; b < o.buckets; b++ {
				if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(fmt.Sprintf("bench-%s-%d", id, b))}); err != nil {
					return err
				}
			}
			for _, r := range regions {
				rc := mcfg.Copy()
				rc.Region = r
				e := ec2.NewFromConfig(rc)
				for s := 0; s < o.perRegion; s++ {
					if _, err := e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(fmt.Sprintf("sg-%d", s)),
						Description: aws.String("bench")}); err != nil {
						return err
					}
				}
				for v := 0; v < o.volumes; v++ {
					if _, err := e.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(r + "a"), Size: aws.Int32(8)}); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	return g.Wait()
}
