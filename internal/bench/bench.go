package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
	"github.com/vigil-sec/vigil/internal/queries"
)

// PhaseResult is what one ingest phase reports (printed as JSON by the
// child process).
type PhaseResult struct {
	Engine   string        `json:"engine"`
	Events   int64         `json:"events"`
	Duration time.Duration `json:"duration_ns"`
	// Set by the parent from the child's resource usage.
	PeakRSS  int64 `json:"peak_rss_bytes"`
	OutBytes int64 `json:"out_bytes"`
}

// RunPhase ingests src into out with engine "vigil" or "duckdb" (CloudTrail),
// or "vigil-flow" or "duckdb-flow" (VPC Flow Logs), and writes a
// PhaseResult as JSON to w. It is run inside a child process.
func RunPhase(ctx context.Context, engine, src, out string, w io.Writer) error {
	start := time.Now()
	res := PhaseResult{Engine: engine}
	switch engine {
	case "vigil":
		l, err := lake.Open(out, nil)
		if err != nil {
			return err
		}
		s, err := ingest.Dir(ctx, l, []string{src}, ingest.Options{Compact: true})
		l.Close()
		if err != nil {
			return err
		}
		res.Events = s.Events
	case "duckdb":
		n, err := lake.BaselineCopy(ctx, filepath.Join(src, "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"), out)
		if err != nil {
			return err
		}
		res.Events = n
	case EngineVigilFlow, EngineDuckDBFlow:
		n, err := runFlowPhase(ctx, engine, src, out)
		if err != nil {
			return err
		}
		res.Events = n
	default:
		return fmt.Errorf("unknown engine %q", engine)
	}
	res.Duration = time.Since(start)
	return json.NewEncoder(w).Encode(res)
}

// Child runs one phase in a child process: self is the vigil executable,
// args the arguments that make it call RunPhase.
func Child(ctx context.Context, self string, args []string, out string) (PhaseResult, error) {
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return PhaseResult{}, fmt.Errorf("%s %s: %w", self, strings.Join(args, " "), err)
	}
	var res PhaseResult
	if err := json.Unmarshal(b, &res); err != nil {
		return res, fmt.Errorf("phase output %q: %w", b, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.PeakRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	res.OutBytes = DirSize(out, "_vigil")
	return res, nil
}

// DirSize sums the sizes of regular files under dir, skipping directories
// named skip.
func DirSize(dir, skip string) int64 {
	var n int64
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == skip {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// QueryTiming is the median latency of one query over several runs.
type QueryTiming struct {
	Name   string
	Median time.Duration
	Rows   int
}

// Queries times the seed's partition-pruned counts and every saved query
// without required parameters on the lake at dir, runs times each.
func Queries(ctx context.Context, dir string, firstDay time.Time, runs int) ([]QueryTiming, error) {
	eng, err := lake.OpenEngine(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	type named struct{ name, sql string }
	var qs []named
	for _, d := range []string{firstDay.Format("2006"), firstDay.Format("2006-01"), firstDay.AddDate(0, 0, 3).Format(time.DateOnly)} {
		qs = append(qs, named{"date > '" + d + "'", "select count(*) from auditing.cloudtrail where date > '" + d + "'"})
	}
	for _, q := range queries.All() {
		if q.Table != lake.TableCloudTrail {
			continue
		}
		s, err := q.Bind(nil)
		if err != nil {
			continue // needs a parameter
		}
		qs = append(qs, named{q.Name, s})
	}
	var out []QueryTiming
	for _, q := range qs {
		var ds []time.Duration
		var rows int
		for range runs {
			start := time.Now()
			res, err := eng.Query(ctx, q.sql, 0)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", q.name, err)
			}
			ds = append(ds, time.Since(start))
			rows = len(res.Rows)
		}
		slices.Sort(ds)
		out = append(out, QueryTiming{Name: q.name, Median: ds[len(ds)/2], Rows: rows})
	}
	return out, nil
}
