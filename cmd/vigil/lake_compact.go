package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func init() { lakeCommands = append(lakeCommands, newLakeCompactCmd) }

func newLakeCompactCmd(a *app) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "compact --lake DIR",
		Short: "Merge the small Parquet files of every partition (ingest does this for the partitions it touches)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return usagef("--lake is required")
			}
			l, err := lake.Open(dir, a.log)
			if err != nil {
				return err
			}
			defer l.Close()
			total := 0
			for _, table := range []string{lake.TableCloudTrail, lake.TableFlowLogs} {
				parts, err := partitions(filepath.Join(l.Dir(), table))
				if err != nil {
					return err
				}
				n, err := lake.Compact(cmd.Context(), l, table, parts)
				total += n
				if err != nil {
					return fmt.Errorf("compact %s: %w", table, err)
				}
			}
			fmt.Fprintf(a.stdout, "compacted %d partitions\n", total)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "lake", "", "lake directory")
	return cmd
}

// partitions lists a table directory's account=/region=/date= folders.
func partitions(tableDir string) ([]vigil.Partition, error) {
	dirs, err := filepath.Glob(filepath.Join(tableDir, "account=*", "region=*", "date=*"))
	if err != nil {
		return nil, err
	}
	var out []vigil.Partition
	for _, d := range dirs {
		if info, err := os.Stat(d); err != nil || !info.IsDir() {
			continue
		}
		rel, _ := filepath.Rel(tableDir, d)
		f := strings.Split(filepath.ToSlash(rel), "/")
		p := vigil.Partition{
			Account: strings.TrimPrefix(f[0], "account="),
			Region:  strings.TrimPrefix(f[1], "region="),
			Date:    strings.TrimPrefix(f[2], "date="),
		}
		if p.Valid() {
			out = append(out, p)
		}
	}
	return out, nil
}
