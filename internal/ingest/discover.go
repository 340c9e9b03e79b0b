package ingest

import (
	"context"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/flowlogs"
	"github.com/vigil-sec/vigil/internal/inventory"
	"github.com/vigil-sec/vigil/internal/source"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// kind is what an input holds.
type kind int

const (
	kindAuto        kind = iota // outside the known layouts: decided from the content
	kindCloudTrail              // CloudTrail records
	kindFlowLogs                // VPC Flow Logs text
	kindFlowParquet             // VPC Flow Logs delivered as Parquet
	kindConfig                  // AWS Config snapshot or history files
)

// input is one object to ingest.
type input struct {
	obj  source.Object
	key  string          // stable identity: the key from AWSLogs/ on, else the object's name
	part vigil.Partition // from the key; zero when the object is outside the layout
	kind kind
	// configKind tells Config snapshots from history files.
	configKind inventory.ConfigKind
}

// found is the result of listing the sources.
type found struct {
	inputs  []input
	digests int
	ignored int
}

// discover lists src for CloudTrail and VPC Flow Logs inputs. It skips
// digest files and other services' logs under AWSLogs/; AWS Config's
// snapshot and history files are inputs of auditing.config_items.
func discover(ctx context.Context, src source.Lister) (found, error) {
	var f found
	seen := map[string]bool{}
	err := src.List(ctx, func(o source.Object) error {
		in := input{obj: o, key: o.Name}
		if k, ok := cloudtrail.ParseKey(o.Path); ok {
			if k.Kind == cloudtrail.KindDigest {
				f.digests++
				return nil
			}
			in.key, in.part, in.kind = k.Rel, k.Partition, kindCloudTrail
		} else if k, ok := flowlogs.ParseKey(o.Path); ok {
			in.key, in.part, in.kind = k.Rel, k.Partition, kindFlowLogs
			if k.Parquet {
				in.kind = kindFlowParquet
			}
		} else if k, ok := inventory.ParseConfigKey(o.Path); ok && k.Kind != inventory.ConfigOther {
			in.key, in.kind, in.configKind = k.Rel, kindConfig, k.Kind
		} else if strings.Contains("/"+filepath.ToSlash(o.Path), "/AWSLogs/") {
			f.ignored++ // another service's logs (vpcflowlogs, Config, ...)
			return nil
		} else if cloudtrail.IsDigestName(o.Path) {
			f.digests++
			return nil
		}
		if seen[in.key] {
			return nil
		}
		seen[in.key] = true
		f.inputs = append(f.inputs, in)
		return nil
	})
	sort.Slice(f.inputs, func(i, j int) bool { return f.inputs[i].key < f.inputs[j].key })
	return f, err
}

// units groups consecutive inputs of one partition so that one worker
// writes a partition's files into one Parquet file.
func units(inputs []input, maxFiles int) [][]input {
	var out [][]input
	for i := 0; i < len(inputs); {
		j := i + 1
		if inputs[i].part != (vigil.Partition{}) {
			for j < len(inputs) && j-i < maxFiles && inputs[j].part == inputs[i].part {
				j++
			}
		}
		out = append(out, inputs[i:j])
		i = j
	}
	return out
}
