package ingest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// input is one file to ingest.
type input struct {
	path string
	key  string // stable identity: the key from AWSLogs/ on, else the absolute path
	size int64
	part vigil.Partition // from the key; zero when the file is outside the layout
}

// found is the result of walking the roots.
type found struct {
	inputs  []input
	digests int
	ignored int
}

// discover walks roots (files or directories) for CloudTrail inputs. It
// skips hidden files and directories, the lake itself, digest files and
// other services' logs under AWSLogs/.
func discover(roots []string, lakeDir string) (found, error) {
	var f found
	seen := map[string]bool{}
	for _, root := range roots {
		abs, err := filepath.Abs(root)
		if err != nil {
			return f, err
		}
		err = filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("read %s: %w", path, err)
			}
			name := d.Name()
			if path != abs && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path == lakeDir {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			in := input{path: path, key: path}
			if k, ok := cloudtrail.ParseKey(path); ok {
				if k.Kind == cloudtrail.KindDigest {
					f.digests++
					return nil
				}
				in.key, in.part = k.Rel, k.Partition
			} else if strings.Contains(filepath.ToSlash(path), "/AWSLogs/") {
				f.ignored++ // another service's logs (vpcflowlogs, Config, ...)
				return nil
			} else if cloudtrail.IsDigestName(name) {
				f.digests++
				return nil
			}
			if seen[in.key] {
				return nil
			}
			seen[in.key] = true
			info, err := d.Info()
			if err != nil {
				return fmt.Errorf("stat %s: %w", path, err)
			}
			in.size = info.Size()
			f.inputs = append(f.inputs, in)
			return nil
		})
		if err != nil {
			return f, err
		}
	}
	sort.Slice(f.inputs, func(i, j int) bool { return f.inputs[i].key < f.inputs[j].key })
	return f, nil
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

// openInput opens a file for reading.
func openInput(path string) (*os.File, error) { return os.Open(path) }
