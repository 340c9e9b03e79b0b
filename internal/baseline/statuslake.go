package baseline

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// StatusTable is the lake directory of the status snapshots:
// <lake>/baseline_status/status-<checked_at>.parquet, one file per run, never
// rewritten, so the table keeps the history.
const StatusTable = "baseline_status"

// statusRow is one row of the baseline_status table.
type statusRow struct {
	Account   string    `parquet:"account,dict"`
	Region    string    `parquet:"region,dict"`
	Control   string    `parquet:"control,dict"`
	Status    string    `parquet:"status,dict"`
	Detail    string    `parquet:"detail"`
	CheckedAt time.Time `parquet:"checked_at,timestamp(millisecond)"`
}

// WriteStatus stores m in the lake at lakeDir as a new snapshot file and
// returns its path. The file appears whole or not at all: it is written
// under a name readers ignore, synced, then renamed.
func WriteStatus(lakeDir string, m *Matrix) (string, error) {
	dir := filepath.Join(lakeDir, StatusTable)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("write baseline status: %w", err)
	}
	final := filepath.Join(dir, "status-"+m.CheckedAt.UTC().Format("20060102T150405.000Z")+".parquet")
	if _, err := os.Stat(final); err == nil {
		return "", fmt.Errorf("write baseline status: %s exists (two checks at the same millisecond)", final)
	}
	tmp, err := os.CreateTemp(dir, ".status-*.tmp")
	if err != nil {
		return "", fmt.Errorf("write baseline status: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename: nothing to remove
	rows := make([]statusRow, 0, len(m.Cells))
	for _, c := range m.Cells {
		rows = append(rows, statusRow{Account: c.Account, Region: c.Region, Control: string(c.Control),
			Status: string(c.Status), Detail: c.Detail, CheckedAt: m.CheckedAt.UTC()})
	}
	w := parquet.NewGenericWriter[statusRow](tmp, parquet.Compression(&zstd.Codec{}), parquet.CreatedBy("vigil", "0", ""))
	if _, err := w.Write(rows); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if err := w.Close(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", fmt.Errorf("write %s: %w", final, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return final, nil
}
