package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/lake"
)

func init() {
	commands = append(commands, newLakeCmd)
	lakeCommands = append(lakeCommands, newLakeDDLCmd)
}

// lakeCommands lists the constructors of the `vigil lake` subcommands; each
// subcommand's file appends itself in an init function.
var lakeCommands []func(*app) *cobra.Command

func newLakeCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lake",
		Short: "Lake maintenance and scale-out",
		Args:  cobra.NoArgs,
	}
	for _, add := range lakeCommands {
		cmd.AddCommand(add(a))
	}
	return cmd
}

func newLakeDDLCmd(a *app) *cobra.Command {
	var o lake.DDLOptions
	cmd := &cobra.Command{
		Use:   "ddl --engine athena|trino --location s3://BUCKET/PREFIX",
		Short: "Print Athena or Trino DDL for a copy of the lake in S3",
		Long: `Print the statements that make a copy of the lake in S3 queryable by Amazon Athena or by
Trino's Hive connector: a database (schema) and one table per lake table, with the columns
of the Parquet files Vigil writes and the partition columns account, region and date
(strings, as in the baseline). Partitions are projected from table properties: no crawler
and no partition Lambda, and files copied to S3 are visible at once.

--location is the lake root in S3, the prefix holding cloudtrail/. Without --accounts the
account is projected as "injected" and every query must filter account = '...'; list the
accounts to query across them. See docs/scale-out.md for copying the lake and caveats.`,
		Example: `  vigil lake ddl --engine athena --location s3://audit-lake/vigil --accounts 111122223333,444455556666
  vigil lake ddl --engine trino --location s3a://audit-lake/vigil --regions us-east-1,eu-west-1 --start 2019-06-01`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ddl, err := lake.DDL(o)
			var oe *lake.DDLOptionError
			if errors.As(err, &oe) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(a.stdout, ddl)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Engine, "engine", "", "athena or trino (Hive connector)")
	f.StringVar(&o.Location, "location", "", "S3 URI of the lake root, the prefix holding cloudtrail/")
	f.StringVar(&o.Database, "database", lake.DDLDefaultDatabase, "Athena database or Trino schema")
	f.StringSliceVar(&o.Accounts, "accounts", nil, "account IDs to project (default: injected, queries must filter account)")
	f.StringSliceVar(&o.Regions, "regions", nil, "regions to project (default: every commercial region)")
	f.StringVar(&o.Start, "start", lake.DDLDefaultStart, "first day to project, YYYY-MM-DD")
	cmd.RegisterFlagCompletionFunc("engine", cobra.FixedCompletions([]string{"athena", "trino"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
