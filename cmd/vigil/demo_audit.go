package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/vigil-sec/vigil/internal/audit"
	"github.com/vigil-sec/vigil/internal/auditreport"
	"github.com/vigil-sec/vigil/internal/awsapi"
	"github.com/vigil-sec/vigil/internal/awsfake"
	"github.com/vigil-sec/vigil/internal/demoworld"
)

// demoAudit runs the organization audit of the demo against a moto_server
// it starts on loopback: never against real AWS, whatever credentials the
// environment holds.
func demoAudit(ctx context.Context, a *app, dir, lakeDir string) error {
	w := a.stdout
	fmt.Fprintln(w, "== 7. Organization audit against a local AWS emulator (moto)")
	if !awsfake.Available() {
		fmt.Fprintln(w, "   moto_server not found: install it (pip install 'moto[server]') to see vigil audit and")
		fmt.Fprintln(w, "   vigil compliance on a seeded, misconfigured organization. Skipped.")
		fmt.Fprintln(w)
		return nil
	}
	endpoint, stop, err := awsfake.Launch()
	if err != nil {
		return fmt.Errorf("demo audit: %w", err)
	}
	defer stop()
	opts := awsapi.Options{Region: "us-east-1", EndpointURL: endpoint}
	cfg, err := awsapi.Config(ctx, opts)
	if err != nil {
		return err
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("demo", "demo", ""))
	world, err := demoworld.Seed(ctx, cfg, opts, "prod", "staging", "sandbox")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   moto at %s: organization of %s with members %v, misconfigured on purpose\n", endpoint, world.Management, world.Accounts)
	start := time.Now()
	res, err := audit.Run(ctx, audit.Options{
		AWS: cfg, Endpoint: opts, All: true, Parallel: 4, Regions: []string{"us-east-1", "eu-west-1"}, Log: a.log,
	})
	if err != nil {
		return fmt.Errorf("demo audit: %w", err)
	}
	reports := filepath.Join(dir, "reports", res.Run.ID)
	if _, err := auditreport.Write(reports, res.Run, nil); err != nil {
		return err
	}
	if err := storeAudit(ctx, a, lakeDir, res); err != nil {
		return err
	}
	fmt.Fprintf(w, "   audited %d accounts in %s; reports in %s\n\n", len(res.Run.Accounts), time.Since(start).Round(100*time.Millisecond), reports)
	printAggregator(w, res.Run.Results, nil, nil)
	fmt.Fprintf(w, "\n   open %s in a browser; vigil compliance --lake %s evaluates the stored snapshots again\n\n",
		filepath.Join(reports, "index.html"), lakeDir)
	return nil
}
