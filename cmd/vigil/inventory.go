package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	_ "github.com/vigil-sec/vigil/internal/checks"  // register the checks
	_ "github.com/vigil-sec/vigil/internal/collect" // register the collectors
	"github.com/vigil-sec/vigil/internal/inventory"
	"github.com/vigil-sec/vigil/internal/lake"
)

func init() { commands = append(commands, newInventoryCmd) }

type inventoryOptions struct {
	aws          awsFlags
	lake         string
	account      string
	regions      []string
	globalRegion string
	collectors   []string
	parallel     int
	rate         float64
	record       string
	fromDir      string
	json         bool
	list         bool
}

func newInventoryCmd(a *app) *cobra.Command {
	var o inventoryOptions
	cmd := &cobra.Command{
		Use:   "inventory --lake DIR [--regions R,…] [--record DIR | --from-dir DIR]",
		Short: "Collect resource configuration (AWS Config's job) into the lake",
		Long: `Collect the configuration of one account's resources from the AWS APIs, as AWS Config records it,
and add the snapshot to the lake as auditing.config_items (history: auditing.config_changes).

Global resources (IAM, S3's bucket list) are collected once, in --global-region; regional ones in
every enabled region (or --regions). A region that is not enabled is skipped, not an error. A
denied call never stops the collection: the items it affects record the missing permission, and
the checks that need them answer ERROR with it.

--record DIR also writes every API response in CloudMapper's collect layout (DIR/<region>/
<service>-<operation>.json), so the collection can be audited elsewhere; --from-dir DIR builds
the snapshot from such a folder (recorded by Vigil or with the AWS CLI) with no network at all.

Then run vigil compliance --lake DIR to evaluate the checks.`,
		Example: `  vigil inventory --lake ./lake
  vigil inventory --lake ./lake --regions us-east-1,eu-west-1 --profile audit
  vigil inventory --lake ./lake --record ./recording
  vigil inventory --lake ./lake --from-dir ./recording --account 111122223333
  vigil inventory --lake ./lake --endpoint-url http://127.0.0.1:5000   # moto, LocalStack`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runInventory(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	o.aws.register(f)
	f.StringVar(&o.lake, "lake", "", "lake directory")
	f.StringVar(&o.account, "account", "", "account id (default: from sts:GetCallerIdentity or the recording)")
	f.StringSliceVar(&o.regions, "regions", nil, "regions to scan (default: every enabled region)")
	f.StringVar(&o.globalRegion, "global-region", inventory.DefaultGlobalRegion, "region where global resources are collected")
	f.StringSliceVar(&o.collectors, "collectors", nil, "collectors to run (default: all; see --list)")
	f.IntVar(&o.parallel, "parallel", 8, "collector × region tasks in flight")
	f.Float64Var(&o.rate, "rate", 0, "maximum calls per second per service (0: no limit)")
	f.StringVar(&o.record, "record", "", "also record every API response under this folder")
	f.StringVar(&o.fromDir, "from-dir", "", "build the snapshot from a recorded folder instead of calling AWS")
	f.BoolVar(&o.json, "json", false, "print the summary as JSON")
	f.BoolVar(&o.list, "list", false, "list the collectors with their resource types and permissions, and exit")
	return cmd
}

// inventorySummary is what vigil inventory reports.
type inventorySummary struct {
	Account  string            `json:"account"`
	Snapshot string            `json:"snapshot"`
	Items    int               `json:"items"`
	Deleted  int               `json:"deleted"`
	Types    map[string]int    `json:"types"`
	Regions  []string          `json:"regions"`
	Skipped  map[string]string `json:"skipped_regions,omitempty"`
	Gaps     []string          `json:"gaps,omitempty"`
	Denied   []string          `json:"denied_permissions,omitempty"`
	Failed   []string          `json:"failed_calls,omitempty"`
	Calls    int               `json:"api_calls"`
}

func runInventory(ctx context.Context, a *app, o inventoryOptions) error {
	if o.list {
		return listCollectors(a.stdout)
	}
	if o.lake == "" {
		return usagef("--lake is required")
	}
	if o.record != "" && o.fromDir != "" {
		return usagef("--record and --from-dir exclude each other")
	}
	opts := inventory.Options{
		Account: o.account, Regions: o.regions, GlobalRegion: o.globalRegion, Collectors: o.collectors,
		Parallel: o.parallel, RatePerService: o.rate, Record: o.record, Replay: o.fromDir, Log: a.log,
	}
	if o.fromDir == "" {
		cfg, err := o.aws.config(ctx)
		if err != nil {
			return err
		}
		opts.AWS, opts.Endpoint = cfg, o.aws.opts
	}
	snap, err := inventory.Collect(ctx, opts)
	if err != nil {
		return err
	}
	source := lake.ItemSourceAPI
	if o.fromDir != "" {
		source = lake.ItemSourceReplay
	}
	deleted, err := storeSnapshot(ctx, o.lake, snap, source, opts.Collectors, a)
	if err != nil {
		return err
	}
	sum := summarizeSnapshot(snap, deleted)
	if o.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	printInventorySummary(a.stdout, sum)
	return nil
}

// storeSnapshot writes snap to the lake, with deletion items for resources
// of the previous snapshot that are gone, and returns the deletion count.
func storeSnapshot(ctx context.Context, dir string, snap *inventory.Snapshot, source string, collectors []string, a *app) (int, error) {
	eng, err := lake.OpenEngine(ctx, dir)
	if err != nil {
		return 0, err
	}
	prev, _, err := eng.SnapshotItems(ctx, []string{snap.Account})
	eng.Close()
	if err != nil {
		return 0, err
	}
	types := map[string]bool{}
	for _, c := range inventory.Collectors() {
		if len(collectors) == 0 || slices.Contains(collectors, c.Name) {
			for _, t := range c.ResourceTypes {
				types[t] = true
			}
		}
	}
	dels := inventory.Deletions(prev[snap.Account], snap.Items, types, snap.Time)
	l, err := lake.Open(dir, a.log)
	if err != nil {
		return 0, err
	}
	defer l.Close()
	if err := l.WriteConfigItems(snap.ID, source, append(slices.Clone(snap.Items), dels...)); err != nil {
		return 0, err
	}
	return len(dels), nil
}

func summarizeSnapshot(snap *inventory.Snapshot, deleted int) inventorySummary {
	s := inventorySummary{Account: snap.Account, Snapshot: snap.ID, Types: map[string]int{}, Regions: snap.Regions,
		Skipped: snap.Skipped, Calls: snap.CallCount(), Deleted: deleted}
	for _, it := range snap.Items {
		switch it.ResourceType {
		case inventory.RegionType:
		case inventory.GapType:
			for _, e := range it.Errors {
				s.Gaps = append(s.Gaps, fmt.Sprintf("%s in %s: %s", it.ResourceName, it.Region, e.Reason()))
			}
		default:
			s.Items++
			s.Types[it.ResourceType]++
		}
	}
	slices.Sort(s.Gaps)
	s.Gaps = slices.Compact(s.Gaps)
	s.Denied, s.Failed = snap.FailedCalls()
	return s
}

func printInventorySummary(w io.Writer, s inventorySummary) {
	fmt.Fprintf(w, "account %s: %d items in snapshot %s (%d API calls)\n", s.Account, s.Items, s.Snapshot, s.Calls)
	fmt.Fprintf(w, "regions scanned: %s\n", strings.Join(s.Regions, ", "))
	for _, r := range slices.Sorted(maps.Keys(s.Skipped)) {
		fmt.Fprintf(w, "region skipped: %s: %s\n", r, s.Skipped[r])
	}
	if s.Deleted > 0 {
		fmt.Fprintf(w, "deleted since the previous snapshot: %d\n", s.Deleted)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RESOURCE TYPE\tITEMS")
	for _, t := range slices.Sorted(maps.Keys(s.Types)) {
		fmt.Fprintf(tw, "%s\t%d\n", t, s.Types[t])
	}
	tw.Flush()
	if len(s.Gaps) > 0 {
		fmt.Fprintf(w, "not collected (%d): checks that need these answer ERROR\n", len(s.Gaps))
		for _, g := range s.Gaps {
			fmt.Fprintf(w, "  %s\n", g)
		}
	}
	if len(s.Denied) > 0 {
		fmt.Fprintf(w, "permissions denied (%d): %s\n", len(s.Denied), strings.Join(s.Denied, ", "))
	}
	if len(s.Failed) > 0 {
		fmt.Fprintf(w, "other failed calls (%d): %s\n", len(s.Failed), strings.Join(s.Failed, ", "))
	}
}

func listCollectors(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLLECTOR\tSCOPE\tRESOURCE TYPES\tPERMISSIONS")
	for _, c := range inventory.Collectors() {
		scope := "regional"
		if c.Global {
			scope = "global"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, scope, strings.Join(c.ResourceTypes, ","), strings.Join(c.Permissions, ","))
	}
	return tw.Flush()
}
