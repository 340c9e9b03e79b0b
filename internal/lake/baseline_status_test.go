package lake

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

func TestBaselineStatusTable(t *testing.T) {
	dir := t.TempDir()
	eng, err := OpenEngine(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.Query(t.Context(), "select count(*) from auditing.baseline_status", 0)
	if err != nil || res.Rows[0][0].(int64) != 0 {
		t.Fatalf("empty table: %v %v", res, err)
	}
	os.MkdirAll(filepath.Join(dir, TableBaselineStatus), 0o755)
	f, err := os.Create(filepath.Join(dir, TableBaselineStatus, "status-1.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[baselineStatusRow](f)
	w.Write([]baselineStatusRow{{Account: "111122223333", Region: "us-east-1", Control: "guardduty", Status: "OFF", Detail: "no detector", CheckedAt: time.Now()}})
	w.Close()
	f.Close()
	res, err = eng.Query(t.Context(), "select account, control, status from auditing.baseline_status", 0)
	if err != nil || len(res.Rows) != 1 || res.Rows[0][2] != "OFF" {
		t.Fatalf("rows %v err %v", res, err)
	}
}
