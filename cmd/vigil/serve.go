package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/console"
	"github.com/vigil-sec/vigil/internal/lake"
)

func init() { commands = append(commands, newServeCmd) }

type serveOptions struct {
	lake           string
	addr           string
	reports        string
	tlsCert        string
	tlsKey         string
	insecureListen bool
	queryTimeout   time.Duration
	maxRows        int
}

func newServeCmd(a *app) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve --lake DIR [--addr 127.0.0.1:8080]",
		Short: "Serve the web console: findings, compliance, SQL and investigations over the lake",
		Long: `Serve the web console over a local lake: an overview (findings by severity over time, top finding
types, compliance scores, data freshness, ingest errors), findings with their evidence (archive them,
suppress findings like them), the compliance matrix down to resources and the CloudTrail events that
changed them, a SQL editor with the saved queries, an investigation timeline for an access key, IP,
principal or resource, and the audit runs' reports. A JSON API under /api/ answers the same questions
for scripts (see docs/console.md). Every page and asset is in the binary: it works air-gapped.

Sign-in: the first start creates the account "admin" with the password in VIGIL_ADMIN_PASSWORD, or
generates one and prints it once. Scripts use API tokens (vigil token create). Viewers read; admins
also archive findings and edit suppression rules.

The console binds to loopback unless told otherwise: another address needs --tls-cert and --tls-key,
or --insecure-listen to acknowledge plain HTTP (behind a TLS-terminating proxy, say). It only reads
the lake, so it runs beside vigil ingest --watch and shows new data as it lands. SQL typed into it is
sandboxed: read-only, the lake's tables only, a time limit and a row limit.`,
		Example: `  vigil serve --lake ./lake
  VIGIL_ADMIN_PASSWORD='correct horse battery staple' vigil serve --lake ./lake --reports ./reports
  vigil serve --lake ./lake --addr 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.lake, "lake", "", "lake directory")
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	f.StringVar(&o.reports, "reports", "reports", "folder of audit runs (reports/<run-id>/index.html)")
	f.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate (PEM) to serve HTTPS")
	f.StringVar(&o.tlsKey, "tls-key", "", "TLS private key (PEM)")
	f.BoolVar(&o.insecureListen, "insecure-listen", false, "allow plain HTTP on a non-loopback address")
	f.DurationVar(&o.queryTimeout, "query-timeout", 30*time.Second, "longest a query may run")
	f.IntVar(&o.maxRows, "max-rows", 10_000, "most rows a query shows or the API returns (downloads: 1 000 000)")
	return cmd
}

// loopback reports whether a listen address stays on this machine.
func loopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

func runServe(ctx context.Context, a *app, o serveOptions) error {
	if o.lake == "" {
		return usagef("--lake is required")
	}
	if info, err := os.Stat(o.lake); err != nil || !info.IsDir() {
		return usagef("--lake %s: no such lake folder (create one with vigil ingest)", o.lake)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return usagef("--tls-cert and --tls-key go together")
	}
	useTLS := o.tlsCert != ""
	local, err := loopback(o.addr)
	if err != nil {
		return usagef("--addr %q: want host:port", o.addr)
	}
	if !local && !useTLS && !o.insecureListen {
		return usagef("--addr %s is not a loopback address: give --tls-cert and --tls-key, or --insecure-listen to serve plain HTTP anyway", o.addr)
	}
	if o.queryTimeout <= 0 || o.maxRows <= 0 {
		return usagef("--query-timeout and --max-rows must be positive")
	}
	var tlsConfig *tls.Config
	if useTLS {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return usagef("--tls-cert/--tls-key: %w", err)
		}
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}

	auth, err := console.OpenAuth(o.lake)
	if err != nil {
		return err
	}
	envPassword := os.Getenv("VIGIL_ADMIN_PASSWORD")
	created, generated, err := auth.EnsureAdmin(envPassword, time.Now())
	if err != nil {
		return usagef("admin account: %w (VIGIL_ADMIN_PASSWORD)", err)
	}
	switch {
	case generated != "":
		fmt.Fprintf(a.stdout, "Created the console account %q. Its password, shown only now: %s\n", console.AdminUser, generated)
	case created:
		fmt.Fprintf(a.stdout, "Created the console account %q with the password in VIGIL_ADMIN_PASSWORD.\n", console.AdminUser)
	case envPassword != "":
		fmt.Fprintf(a.stderr, "VIGIL_ADMIN_PASSWORD ignored: the account %q exists (change its password on the Account page).\n", console.AdminUser)
	}

	sb, err := lake.OpenSandbox(ctx, o.lake, lake.SandboxLimits{Timeout: o.queryTimeout, MaxRows: o.maxRows})
	if err != nil {
		return err
	}
	defer sb.Close()
	log := a.log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv, err := console.New(console.Options{Lake: o.lake, Reports: o.reports, Sandbox: sb, Auth: auth, TLS: useTLS, Log: log})
	if err != nil {
		return err
	}
	go srv.Warm()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usagef("--addr %s: %w", o.addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		TLSConfig:         tlsConfig,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	fmt.Fprintf(a.stdout, "Vigil console on %s://%s (lake %s); Ctrl+C stops it.\n", scheme, ln.Addr(), o.lake)
	done := make(chan error, 1)
	go func() {
		if useTLS {
			done <- hs.ServeTLS(ln, "", "")
		} else {
			done <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stop the console: %w", err)
	}
	return nil
}
