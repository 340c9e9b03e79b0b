package lake

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the duckdb driver

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Compaction targets.
const (
	// compactSmall is the size under which a file is worth merging.
	compactSmall = 64 << 20
	// compactTarget bounds the files one merge reads.
	compactTarget = 512 << 20
)

// Compact merges the small Parquet files of each given partition of table
// into one file, in transactions, so that many small inputs (an
// organization delivers thousands of 100-event files a day) do not become
// many small lake files. It returns how many partitions it merged.
func Compact(ctx context.Context, l *Lake, table string, parts []vigil.Partition) (int, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// Sorting a large partition may exceed the memory limit: let DuckDB
	// spill to the lake's own scratch folder rather than fail.
	tmp := filepath.Join(l.dir, metaDir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	for _, q := range []string{"SET memory_limit = '512MB'", "SET preserve_insertion_order = true", "SET threads = 2", "SET temp_directory = " + quote(tmp)} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("%s: %w", q, err)
		}
	}
	sort.Slice(parts, func(i, j int) bool { return PartitionDir(table, parts[i]) < PartitionDir(table, parts[j]) })
	n := 0
	for _, p := range parts {
		merged, err := compactPartition(ctx, db, l, table, p)
		if err != nil {
			return n, fmt.Errorf("partition %s: %w", PartitionDir(table, p), err)
		}
		if merged {
			n++
		}
	}
	return n, nil
}

func compactPartition(ctx context.Context, db *sql.DB, l *Lake, table string, p vigil.Partition) (bool, error) {
	dir := PartitionDir(table, p)
	entries, err := os.ReadDir(filepath.Join(l.dir, dir))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var small []string
	var total int64
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".parquet") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return false, err
		}
		if info.Size() >= compactSmall || total+info.Size() > compactTarget {
			continue
		}
		total += info.Size()
		small = append(small, filepath.Join(dir, e.Name()))
	}
	if len(small) < 2 {
		return false, nil
	}
	tx, err := l.Begin()
	if err != nil {
		return false, err
	}
	defer tx.Abort()
	f, err := tx.CreateFile(table, p)
	if err != nil {
		return false, err
	}
	out := f.Name()
	f.Close()
	var list []string
	for _, rel := range small {
		list = append(list, quote(filepath.Join(l.dir, rel)))
	}
	order, meta := "", ""
	if table == TableCloudTrail {
		order = " ORDER BY eventsource, eventname, eventtime" // as the writer sorts its runs
		// The merged file's terms index is the union of the files'
		// (none if one of them has none).
		var paths []string
		for _, rel := range small {
			paths = append(paths, filepath.Join(l.dir, rel))
		}
		v, ok, err := mergeTerms(paths)
		if err != nil {
			return false, err
		}
		if ok { // base64: no quote to escape
			meta = fmt.Sprintf(", KV_METADATA {'%s': '%s'}", termsKey, v)
		}
	}
	q := fmt.Sprintf(`COPY (SELECT * FROM read_parquet([%s], hive_partitioning = false)%s) TO %s
		(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536%s)`, strings.Join(list, ", "), order, quote(out), meta)
	if _, err := db.ExecContext(ctx, q); err != nil {
		return false, err
	}
	for _, rel := range small {
		tx.Remove(rel)
	}
	return true, tx.Commit()
}
