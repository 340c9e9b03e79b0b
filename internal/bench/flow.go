package bench

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/vigil-sec/vigil/internal/ingest"
	"github.com/vigil-sec/vigil/internal/lake"
)

// Engines of the flow-log ingest benchmark (`vigil bench flowlogs`).
const (
	EngineVigilFlow  = "vigil-flow"  // ingest.Dir over the vpcflowlogs folders
	EngineDuckDBFlow = "duckdb-flow" // lake.BaselineFlowCopy
)

// FlowGlob matches the flow-log files synth writes under src.
func FlowGlob(src string) string {
	return filepath.Join(src, "AWSLogs", "*", "vpcflowlogs", "*", "*", "*", "*", "*.log.gz")
}

// runFlowPhase ingests the VPC Flow Logs under src (and nothing else:
// synth also writes some CloudTrail) into out and returns the records
// written.
func runFlowPhase(ctx context.Context, engine, src, out string) (int64, error) {
	switch engine {
	case EngineVigilFlow:
		roots, err := filepath.Glob(filepath.Join(src, "AWSLogs", "*", "vpcflowlogs"))
		if err != nil {
			return 0, err
		}
		if len(roots) == 0 {
			return 0, fmt.Errorf("no flow logs under %s", src)
		}
		l, err := lake.Open(out, nil)
		if err != nil {
			return 0, err
		}
		s, err := ingest.Dir(ctx, l, roots, ingest.Options{Compact: true})
		l.Close()
		if err != nil {
			return 0, err
		}
		return s.FlowRecords, nil
	case EngineDuckDBFlow:
		return lake.BaselineFlowCopy(ctx, FlowGlob(src), out)
	}
	return 0, fmt.Errorf("unknown engine %q", engine)
}
