package lake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// TableFindings is the findings table: one snapshot file,
// <lake>/findings/findings.parquet, rewritten whole by each detection run.
const TableFindings = "findings"

// findingsFile is the snapshot's name inside the table directory.
const findingsFile = "findings.parquet"

// findingRow is one row of auditing.findings: the finding flattened for
// SQL, plus the full GuardDuty-shaped JSON in `finding` and the detection
// engine's aggregation state in vigil_sketch.
type findingRow struct {
	ID               string    `parquet:"id"`
	Type             string    `parquet:"type,dict"`
	Severity         float64   `parquet:"severity"`
	SeverityLabel    string    `parquet:"severity_label,dict"`
	Title            string    `parquet:"title,dict"`
	Description      string    `parquet:"description"`
	Account          string    `parquet:"account,dict"`
	Region           string    `parquet:"region,dict"`
	ResourceType     string    `parquet:"resource_type,dict"`
	Principal        *string   `parquet:"principal,optional,dict"`
	SourceIP         *string   `parquet:"source_ip,optional,dict"`
	Count            int64     `parquet:"count"`
	FirstSeen        time.Time `parquet:"first_seen,timestamp(millisecond)"`
	LastSeen         time.Time `parquet:"last_seen,timestamp(millisecond)"`
	CreatedAt        time.Time `parquet:"created_at,timestamp(millisecond)"`
	UpdatedAt        time.Time `parquet:"updated_at,timestamp(millisecond)"`
	Archived         bool      `parquet:"archived"`
	EvidenceEventIDs []string  `parquet:"evidence_event_ids,list"`
	EvidenceFlowKeys []string  `parquet:"evidence_flow_keys,list"`
	EvidenceSQL      string    `parquet:"evidence_sql"`
	Finding          string    `parquet:"finding"`
	Sketch           []byte    `parquet:"vigil_sketch"`
}

func newFindingRow(f *vigil.Finding) (findingRow, error) {
	b, err := json.Marshal(f)
	if err != nil {
		return findingRow{}, fmt.Errorf("encode finding %s: %w", f.ID, err)
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	return findingRow{
		ID: f.ID, Type: f.Type, Severity: float64(f.Severity), SeverityLabel: f.Severity.Label(),
		Title: f.Title, Description: f.Description, Account: f.AccountID, Region: f.Region,
		ResourceType: f.Resource.ResourceType, Principal: opt(f.Evidence.Principal), SourceIP: opt(f.SourceIP()),
		Count: f.Service.Count, FirstSeen: findingTime(f.Service.EventFirstSeen), LastSeen: findingTime(f.Service.EventLastSeen),
		CreatedAt: findingTime(f.CreatedAt), UpdatedAt: findingTime(f.UpdatedAt), Archived: f.Service.Archived,
		EvidenceEventIDs: f.Evidence.EventIDs, EvidenceFlowKeys: f.Evidence.FlowKeys, EvidenceSQL: f.Evidence.SQL,
		Finding: string(b), Sketch: f.Evidence.Sketch,
	}, nil
}

// findingTime parses a finding's ISO-8601 time (zero if it is not one).
func findingTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// WriteFindings replaces the lake's findings with fs, atomically: the new
// snapshot is written and synced beside the lake's staging area, then
// renamed over the old one, so readers see either the old or the new
// findings. The caller holds the lake open (its writer lock).
func (l *Lake) WriteFindings(fs []vigil.Finding) error {
	if l.Remote() {
		return errors.New("findings are kept in local lakes only: run detection over a local lake")
	}
	rows := make([]findingRow, 0, len(fs))
	for i := range fs {
		r, err := newFindingRow(&fs[i])
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	tmp, err := os.CreateTemp(filepath.Join(l.dir, metaDir, "staging"), "findings-*.parquet")
	if err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename: nothing to remove
	w := parquet.NewGenericWriter[findingRow](tmp, parquet.Compression(zstdCodec), parquet.CreatedBy("vigil", "0", ""))
	if _, err := w.Write(rows); err != nil {
		tmp.Close()
		return fmt.Errorf("write findings: %w", err)
	}
	if err := w.Close(); err != nil {
		tmp.Close()
		return fmt.Errorf("write findings: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write findings: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	dir := filepath.Join(l.dir, TableFindings)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	// DuckDB's Parquet metadata cache knows a file by its path and
	// modification time (in seconds on some file systems): the new snapshot
	// must not look like the old one to an engine that is open.
	if old, err := os.Stat(filepath.Join(dir, findingsFile)); err == nil {
		if mt := old.ModTime().Add(time.Second); time.Now().Before(mt) {
			if err := os.Chtimes(tmp.Name(), mt, mt); err != nil {
				return fmt.Errorf("write findings: %w", err)
			}
		}
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, findingsFile)); err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return syncDir(dir)
}

// ReadFindings returns the findings stored in the lake at dir (none if
// no detection has run), as WriteFindings stored them, aggregation state
// included.
func ReadFindings(dir string) ([]vigil.Finding, error) {
	path := filepath.Join(dir, TableFindings, findingsFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	r := parquet.NewGenericReader[findingRow](pf)
	defer r.Close()
	out := make([]vigil.Finding, 0, r.NumRows())
	rows := make([]findingRow, 256)
	for {
		n, err := r.Read(rows)
		for i := range rows[:n] {
			var fd vigil.Finding
			if err := json.Unmarshal([]byte(rows[i].Finding), &fd); err != nil {
				return nil, fmt.Errorf("read %s: finding %s: %w", path, rows[i].ID, err)
			}
			fd.Evidence.Sketch = rows[i].Sketch
			out = append(out, fd)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
}

// StateFile keeps the state of stateful detections in
// <lake>/_vigil/detect/state.json; it implements detect.StateStore.
type StateFile struct {
	path   string
	remote bool
}

// DetectState returns the lake's detection state file.
func (l *Lake) DetectState() *StateFile {
	return &StateFile{path: filepath.Join(l.dir, metaDir, "detect", "state.json"), remote: l.Remote()}
}

type stateDoc struct {
	Version    int                        `json:"version"`
	Detections map[string]json.RawMessage `json:"detections"`
}

// LoadState returns the stored state (empty before the first run).
func (s *StateFile) LoadState() (map[string]json.RawMessage, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]json.RawMessage{}, nil
	}
	if err != nil {
		return nil, err
	}
	var doc stateDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("read %s: %w", s.path, err)
	}
	if doc.Version != 1 {
		return nil, fmt.Errorf("read %s: unknown version %d", s.path, doc.Version)
	}
	if doc.Detections == nil {
		doc.Detections = map[string]json.RawMessage{}
	}
	return doc.Detections, nil
}

// SaveState replaces the stored state atomically (write, sync, rename).
func (s *StateFile) SaveState(m map[string]json.RawMessage) error {
	if s.remote {
		return errors.New("detection state is kept in local lakes only")
	}
	// The document is assembled rather than marshalled: json.Marshal
	// would validate and compact every detection's JSON again, megabytes
	// for the flow-log windows. Each value is checked to be valid JSON.
	var buf bytes.Buffer
	buf.WriteString(`{"version":1,"detections":{`)
	for i, id := range slices.Sorted(maps.Keys(m)) {
		if !json.Valid(m[id]) {
			return fmt.Errorf("save detection state: %s: invalid JSON", id)
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(id)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(m[id])
	}
	buf.WriteString("}}")
	b := buf.Bytes()
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := writeFileSync(tmp, b); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return err
	}
	return syncDir(dir)
}
