package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/console"
	"github.com/vigil-sec/vigil/internal/report"
)

func init() { commands = append(commands, newTokenCmd) }

type tokenOptions struct {
	lake string
	name string
	role string
}

func newTokenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage the web console's API tokens",
		Long: `API tokens let scripts call the console's JSON API (vigil serve) with
Authorization: Bearer <token>. A token is shown once, when created; the lake keeps only its
SHA-256 hash (in _vigil/console/auth.json). Viewer tokens read; admin tokens may also archive
findings and edit suppression rules. Tokens work at once, even on a console already running.`,
		Args: usageArgs(cobra.NoArgs),
	}
	var o tokenOptions
	create := &cobra.Command{
		Use:   "create --lake DIR --name NAME [--role viewer|admin]",
		Short: "Create an API token and print it once",
		Example: `  vigil token create --lake ./lake --name siem-export
  vigil token create --lake ./lake --name triage-bot --role admin`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			auth, err := openAuth(o.lake)
			if err != nil {
				return err
			}
			role, err := console.ParseRole(o.role)
			if err != nil {
				return usagef("--role: %w", err)
			}
			if o.name == "" {
				return usagef("--name is required")
			}
			token, err := auth.CreateToken(o.name, role, time.Now())
			if err != nil {
				return usageError{err}
			}
			fmt.Fprintln(a.stdout, token)
			fmt.Fprintf(a.stderr, "Created %s token %q. It is shown only now: keep it in a secret store.\n", role, o.name)
			return nil
		},
	}
	create.Flags().StringVar(&o.lake, "lake", "", "lake directory the console serves")
	create.Flags().StringVar(&o.name, "name", "", "token name (what uses it)")
	create.Flags().StringVar(&o.role, "role", string(console.RoleViewer), "viewer or admin")
	create.RegisterFlagCompletionFunc("role", cobra.FixedCompletions([]string{"viewer", "admin"}, cobra.ShellCompDirectiveNoFileComp))

	list := &cobra.Command{
		Use:   "list --lake DIR",
		Short: "List the API tokens (names and roles; tokens cannot be shown again)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			auth, err := openAuth(o.lake)
			if err != nil {
				return err
			}
			tokens, err := auth.Tokens()
			if err != nil {
				return err
			}
			rows := make([][]any, 0, len(tokens))
			for _, t := range tokens {
				rows = append(rows, []any{t.Name, string(t.Role), t.Created.Format(time.RFC3339)})
			}
			return report.WriteRows(a.stdout, "table", []string{"name", "role", "created"}, rows)
		},
	}
	list.Flags().StringVar(&o.lake, "lake", "", "lake directory the console serves")

	revoke := &cobra.Command{
		Use:   "revoke --lake DIR --name NAME",
		Short: "Revoke an API token",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			auth, err := openAuth(o.lake)
			if err != nil {
				return err
			}
			if err := auth.RevokeToken(o.name); err != nil {
				return usageError{err}
			}
			fmt.Fprintf(a.stdout, "Revoked token %q.\n", o.name)
			return nil
		},
	}
	revoke.Flags().StringVar(&o.lake, "lake", "", "lake directory the console serves")
	revoke.Flags().StringVar(&o.name, "name", "", "token name")

	cmd.AddCommand(create, list, revoke)
	return cmd
}

// openAuth opens the console credentials of the lake named by --lake.
func openAuth(lakeDir string) (*console.Auth, error) {
	if lakeDir == "" {
		return nil, usagef("--lake is required")
	}
	if info, err := os.Stat(lakeDir); err != nil || !info.IsDir() {
		return nil, usagef("--lake %s: no such lake folder", lakeDir)
	}
	return console.OpenAuth(lakeDir)
}
