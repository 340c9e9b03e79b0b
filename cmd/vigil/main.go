// Command vigil is the auditing half of a multi-account AWS security
// baseline in one binary. This package only wires flags to internal
// packages: one file per command, no business logic.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit codes, shared by every command.
const (
	exitOK       = 0
	exitInternal = 1
	exitUsage    = 2
	exitFindings = 3
)

// exitError carries an exit code up to main without printing twice.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// app holds what every command shares: its output streams and logger.
type app struct {
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	var verbose bool
	var cpuProfile string
	root := &cobra.Command{
		Use:           "vigil",
		Short:         "Audit AWS organizations: CloudTrail lake, detections, compliance",
		Long:          "Vigil ingests CloudTrail and VPC Flow Logs into a Parquet lake, queries it with\nAthena-compatible SQL, and audits AWS organizations.",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			var h slog.Handler
			if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				h = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
			} else {
				h = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
			}
			a.log = slog.New(h)
		},
	}
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log debug detail to stderr")
	root.PersistentFlags().StringVar(&cpuProfile, "cpu-profile", "", "write a Go CPU profile of the command to this file (for reporting slow runs)")
	_ = root.PersistentFlags().MarkHidden("cpu-profile")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	for _, add := range commands {
		root.AddCommand(add(a))
	}
	err := executeProfiled(ctx, root, args, &cpuProfile)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "vigil:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if isUsageError(err) {
		return exitUsage
	}
	return exitInternal
}

// commands lists the constructors of every top-level command; each command's
// file appends itself in an init function.
var commands []func(*app) *cobra.Command

// usageError marks a bad command line or configuration (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func isUsageError(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// usageArgs wraps a cobra positional-argument check so that its errors
// exit with the usage code.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// executeProfiled runs the command line, under the CPU profiler when
// --cpu-profile names a file. The flag is looked up before cobra parses
// the line so the profile covers the whole command.
func executeProfiled(ctx context.Context, root *cobra.Command, args []string, path *string) error {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--cpu-profile="); ok {
			*path = v
		} else if a == "--cpu-profile" && i+1 < len(args) {
			*path = args[i+1]
		}
	}
	if *path == "" {
		return root.ExecuteContext(ctx)
	}
	f, err := os.Create(*path)
	if err != nil {
		return usagef("--cpu-profile: %w", err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return fmt.Errorf("--cpu-profile: %w", err)
	}
	defer pprof.StopCPUProfile()
	return root.ExecuteContext(ctx)
}

// batchGC sets the collector for a batch command (ingest, detect): they
// allocate records at a high rate while the live heap stays small, and
// collecting at 3x the live heap instead of Go's default 2x spends about a
// fifth less CPU on GC for a few hundred MB more. GOGC, when set, wins.
// It returns the function that restores the previous setting.
func batchGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(200)
	return func() { debug.SetGCPercent(old) }
}
