package lake

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// flowCSVTypes are the DuckDB types of the flow-log fields flowRow keeps
// as numbers; every other field is VARCHAR.
var flowCSVTypes = map[vigil.FlowField]string{
	vigil.FlowVersion: "INTEGER", vigil.FlowSrcPort: "INTEGER", vigil.FlowDstPort: "INTEGER",
	vigil.FlowProtocol: "BIGINT", vigil.FlowPackets: "BIGINT", vigil.FlowBytes: "BIGINT",
	vigil.FlowStart: "BIGINT", vigil.FlowEnd: "BIGINT", vigil.FlowTCPFlags: "INTEGER", vigil.FlowTrafficPath: "INTEGER",
}

// BaselineFlowCopy ingests VPC Flow Logs text files in the S3 delivery
// layout with DuckDB alone — read_csv with the header, ' ' as delimiter,
// '-' as NULL and explicit column types, then COPY ... PARTITION_BY
// (account, region, date) — into outDir. It is the yardstick `vigil bench
// flowlogs` measures Vigil's own ingest against. It returns the number of
// rows written.
//
// Files of one flow log share a header, but a bucket mixes formats (the
// default one, custom ones). DuckDB's union_by_name handles that by
// sniffing every file, which costs ~0.1 s per file; instead the files are
// grouped by header line (read here: one line per file), and each group is
// read with its own columns and no sniffing, as one would run DuckDB on
// known formats. Columns follow the lake's names (account_id, ...); the
// region field is dropped for the region partition, as the lake does.
func BaselineFlowCopy(ctx context.Context, glob, outDir string) (int64, error) {
	files, err := filepath.Glob(glob)
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("duckdb baseline: no files match %s", glob)
	}
	groups := map[string][]string{} // header -> files
	for _, f := range files {
		h, err := flowHeader(f)
		if err != nil {
			return 0, err
		}
		groups[h] = append(groups[h], f)
	}
	var selects []string
	for _, h := range slices.Sorted(maps.Keys(groups)) {
		s, err := flowGroupSelect(h, groups[h])
		if err != nil {
			return 0, err
		}
		selects = append(selects, s)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return 0, err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	q := fmt.Sprintf("COPY (\n%s\n) TO %s (FORMAT parquet, PARTITION_BY (account, region, date), COMPRESSION zstd, OVERWRITE_OR_IGNORE)",
		strings.Join(selects, "\nUNION ALL BY NAME\n"), quote(outDir))
	res, err := db.ExecContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("duckdb baseline flow copy: %w", err)
	}
	return res.RowsAffected()
}

// flowGroupSelect reads files, whose header is h, with read_csv.
func flowGroupSelect(h string, files []string) (string, error) {
	var cols, outs []string
	for name := range strings.FieldsSeq(h) {
		f := slices.Index(vigil.FlowFieldNames[:], name)
		if f < 0 {
			return "", fmt.Errorf("duckdb baseline: %s: unknown flow log field %q", files[0], name)
		}
		typ := flowCSVTypes[vigil.FlowField(f)]
		if typ == "" {
			typ = "VARCHAR"
		}
		cols = append(cols, quote(name)+": "+quote(typ))
		if vigil.FlowField(f) != vigil.FlowRegion {
			outs = append(outs, `"`+name+`" AS "`+strings.ReplaceAll(name, "-", "_")+`"`)
		}
	}
	quoted := make([]string, len(files))
	for i, f := range files {
		quoted[i] = quote(f)
	}
	return fmt.Sprintf(`SELECT %s,
	  regexp_extract(filename, 'AWSLogs/([0-9]{12})/vpcflowlogs/', 1) AS account,
	  regexp_extract(filename, '/vpcflowlogs/([^/]+)/', 1) AS region,
	  replace(regexp_extract(filename, '/vpcflowlogs/[^/]+/([0-9]{4}/[0-9]{2}/[0-9]{2})/', 1), '/', '-') AS date
	FROM read_csv([%s], header = true, delim = ' ', nullstr = '-', quote = '', escape = '',
	              auto_detect = false, filename = true, columns = {%s})`,
		strings.Join(outs, ", "), strings.Join(quoted, ", "), strings.Join(cols, ", ")), nil
}

// flowHeader returns the first line of a flow-log file, gunzipped if its
// name ends in .gz.
func flowHeader(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	line, err := bufio.NewReaderSize(r, 4096).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", fmt.Errorf("read header of %s: %w", path, err)
	}
	return strings.TrimSpace(line), nil
}
