package lake

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// TableCompliance holds check results, one file per evaluation run ×
// account × region under <lake>/compliance/account=/region=/date=/, so
// runs can be compared with SQL.
const TableCompliance = "compliance"

// complianceRow is one row of auditing.compliance (account and region
// are the partition columns).
type complianceRow struct {
	RunID        string              `parquet:"run_id,dict"`
	CheckID      string              `parquet:"check_id,dict"`
	Title        string              `parquet:"title,dict"`
	Service      string              `parquet:"service,dict"`
	ResourceType string              `parquet:"resource_type,dict"`
	ResourceID   string              `parquet:"resource_id"`
	ResourceARN  *string             `parquet:"resource_arn,optional"`
	Status       string              `parquet:"status,dict"`
	Reason       string              `parquet:"reason"`
	Severity     string              `parquet:"severity,dict"`
	Frameworks   map[string][]string `parquet:"frameworks"`
	EvaluatedAt  time.Time           `parquet:"evaluated_at,timestamp(millisecond)"`
	SnapshotID   string              `parquet:"snapshot_id,dict"`
	Muted        bool                `parquet:"muted"`
	MuteReason   *string             `parquet:"mute_reason,optional"`
}

// WriteCompliance adds one evaluation run's results to the lake, in one
// transaction.
func (l *Lake) WriteCompliance(runID string, rs []compliance.Result) error {
	if l.Remote() {
		return fmt.Errorf("compliance results are kept in local lakes only")
	}
	parts := map[vigil.Partition][]complianceRow{}
	for _, r := range rs {
		p := vigil.Partition{Account: r.Account, Region: r.Region, Date: r.EvaluatedAt.UTC().Format("2006-01-02")}
		if !p.Valid() || r.EvaluatedAt.IsZero() {
			return fmt.Errorf("result %s on %s: account %q, region %q or time not usable as a partition", r.CheckID, r.ResourceID, r.Account, r.Region)
		}
		row := complianceRow{
			RunID: runID, CheckID: r.CheckID, ResourceType: r.ResourceType, ResourceID: r.ResourceID,
			ResourceARN: optStr(r.ResourceARN), Status: string(r.Status), Reason: r.Reason, Severity: string(r.Severity),
			Frameworks: r.Frameworks, EvaluatedAt: r.EvaluatedAt.UTC(), SnapshotID: r.SnapshotID,
			Muted: r.Muted, MuteReason: optStr(r.MuteReason),
		}
		if c, ok := compliance.Lookup(r.CheckID); ok {
			row.Title, row.Service = c.Title, c.Service
		}
		parts[p] = append(parts[p], row)
	}
	if len(parts) == 0 {
		return nil
	}
	tx, err := l.Begin()
	if err != nil {
		return err
	}
	keys := make([]vigil.Partition, 0, len(parts))
	for p := range parts {
		keys = append(keys, p)
	}
	sort.Slice(keys, func(i, j int) bool { return PartitionDir("", keys[i]) < PartitionDir("", keys[j]) })
	for _, p := range keys {
		if err := writeRows(tx, TableCompliance, p, parts[p]); err != nil {
			tx.Abort()
			return fmt.Errorf("write compliance results of %s/%s: %w", p.Account, p.Region, err)
		}
	}
	return tx.Commit()
}

// ComplianceRuns returns the run ids in the lake, newest last.
func (e *Engine) ComplianceRuns(ctx context.Context) ([]string, error) {
	if err := e.refresh(ctx); err != nil {
		return nil, err
	}
	rows, err := e.db.QueryContext(ctx, `SELECT run_id FROM auditing.compliance GROUP BY run_id ORDER BY max(evaluated_at), run_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ComplianceResults returns the results of one run.
func (e *Engine) ComplianceResults(ctx context.Context, runID string) ([]compliance.Result, error) {
	if err := e.refresh(ctx); err != nil {
		return nil, err
	}
	rows, err := e.db.QueryContext(ctx, `SELECT account, region, check_id, resource_type, resource_id, resource_arn, status, reason,
		severity, CAST(to_json(frameworks) AS VARCHAR), evaluated_at, snapshot_id, muted, mute_reason
		FROM auditing.compliance WHERE run_id = ? ORDER BY account, region, check_id, resource_id`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []compliance.Result
	for rows.Next() {
		var (
			r                compliance.Result
			arn, fw, muteWhy sql.NullString
			status, severity string
		)
		if err := rows.Scan(&r.Account, &r.Region, &r.CheckID, &r.ResourceType, &r.ResourceID, &arn, &status, &r.Reason,
			&severity, &fw, &r.EvaluatedAt, &r.SnapshotID, &r.Muted, &muteWhy); err != nil {
			return nil, err
		}
		r.ResourceARN, r.MuteReason = arn.String, muteWhy.String
		r.Status, r.Severity = compliance.Status(status), compliance.Severity(severity)
		r.EvaluatedAt = r.EvaluatedAt.UTC()
		if fw.Valid && fw.String != "null" {
			if err := json.Unmarshal([]byte(fw.String), &r.Frameworks); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
