package console

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/vigil-sec/vigil/internal/ingest"
)

// IngestLogFile is the ingest run log's path relative to the lake: one
// JSON object per line, {"finished": time, "stats": ingest.Stats}, appended
// by vigil ingest after each run (each cycle with --watch), so that the
// console can show ingest errors.
const IngestLogFile = "_vigil/ingest-runs.jsonl"

// maxIngestLog is the size past which the log keeps only its newer half.
const maxIngestLog = 4 << 20

// IngestRun is one line of the ingest run log.
type IngestRun struct {
	Finished time.Time    `json:"finished"`
	Stats    ingest.Stats `json:"stats"`
}

var ingestLogMu sync.Mutex

// RecordIngestRun appends a run to the lake's ingest run log. Runs are
// appended by the lake's single writer, so no file lock is needed.
func RecordIngestRun(lakeDir string, finished time.Time, st ingest.Stats) error {
	b, err := json.Marshal(IngestRun{Finished: finished.UTC(), Stats: st})
	if err != nil {
		return err
	}
	path := filepath.Join(lakeDir, IngestLogFile)
	ingestLogMu.Lock()
	defer ingestLogMu.Unlock()
	if info, err := os.Stat(path); err == nil && info.Size() > maxIngestLog {
		old, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("record ingest run: %w", err)
		}
		half := old[len(old)/2:]
		if i := bytes.IndexByte(half, '\n'); i >= 0 {
			half = half[i+1:]
		}
		if err := writeAtomic(path, half); err != nil {
			return fmt.Errorf("record ingest run: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("record ingest run: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("record ingest run: %w", err)
	}
	return nil
}

// readIngestRuns returns the latest n runs of the log, newest first (none
// when the log does not exist; malformed lines are skipped).
func readIngestRuns(lakeDir string, n int) []IngestRun {
	f, err := os.Open(filepath.Join(lakeDir, IngestLogFile))
	if err != nil {
		return nil
	}
	defer f.Close()
	var runs []IngestRun
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var r IngestRun
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			runs = append(runs, r)
		}
		if len(runs) > 4*n {
			runs = runs[len(runs)-n:]
		}
	}
	runs = runs[max(0, len(runs)-n):]
	slices.Reverse(runs)
	return runs
}
