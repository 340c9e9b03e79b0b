package lake

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/vigil-sec/vigil/internal/inventory"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// TableConfigItems is the configuration items table, AWS Config's
// resource history: one row per item of every snapshot, partitioned like
// the log tables under <lake>/config/account=/region=/date=/ (date of the
// capture; region "global" for IAM).
const TableConfigItems = "config_items"

// configDir is the config items' directory in the lake.
const configDir = "config"

// Sources of configuration items.
const (
	ItemSourceAPI          = "api"             // collected by vigil inventory
	ItemSourceReplay       = "replay"          // read from a recording (--from-dir)
	ItemSourceSnapshot     = "config-snapshot" // Config's ConfigSnapshot files
	ItemSourceHistory      = "config-history"  // Config's ConfigHistory files
	ItemSourceNotification = "config-notification"
)

// configRow is one row of auditing.config_items. Configuration,
// supplementary configuration, relationships and collection errors are
// JSON text (json_extract works on them, as on Athena's Config table).
type configRow struct {
	SnapshotID       string            `parquet:"snapshot_id,dict"`
	Source           string            `parquet:"source,dict"`
	Version          string            `parquet:"version,dict"`
	AccountID        string            `parquet:"account_id,dict"`
	CaptureTime      time.Time         `parquet:"configuration_item_capture_time,timestamp(millisecond)"`
	Status           string            `parquet:"configuration_item_status,dict"`
	StateID          string            `parquet:"configuration_state_id"`
	ResourceType     string            `parquet:"resource_type,dict"`
	ResourceID       string            `parquet:"resource_id"`
	ResourceName     *string           `parquet:"resource_name,optional"`
	ARN              *string           `parquet:"arn,optional"`
	AWSRegion        string            `parquet:"aws_region,dict"`
	AvailabilityZone *string           `parquet:"availability_zone,optional,dict"`
	CreationTime     *time.Time        `parquet:"resource_creation_time,optional,timestamp(millisecond)"`
	Configuration    *string           `parquet:"configuration,optional"`
	Supplementary    *string           `parquet:"supplementary_configuration,optional"`
	Tags             map[string]string `parquet:"tags"`
	Relationships    *string           `parquet:"relationships,optional"`
	RelatedEvents    []string          `parquet:"related_events,list"`
	Errors           *string           `parquet:"collection_errors,optional"`
	Hash             string            `parquet:"configuration_hash"`
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optJSON(v any, empty bool) *string {
	if empty {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return nil
	}
	s := string(b)
	return &s
}

func newConfigRow(snapshotID, source string, it *inventory.Item) configRow {
	r := configRow{
		SnapshotID: snapshotID, Source: source, Version: it.Version, AccountID: it.AccountID,
		CaptureTime: it.CaptureTime.UTC(), Status: it.Status, StateID: it.StateID,
		ResourceType: it.ResourceType, ResourceID: it.ResourceID, ResourceName: optStr(it.ResourceName),
		ARN: optStr(it.ARN), AWSRegion: it.Region, AvailabilityZone: optStr(it.AvailabilityZone),
		CreationTime: it.ResourceCreationTime, Tags: it.Tags, RelatedEvents: it.RelatedEvents,
		Relationships: optJSON(it.Relationships, len(it.Relationships) == 0),
		Supplementary: optJSON(it.SupplementaryConfiguration, len(it.SupplementaryConfiguration) == 0),
		Errors:        optJSON(it.Errors, len(it.Errors) == 0),
	}
	if len(it.Configuration) > 0 {
		s := string(it.Configuration)
		r.Configuration = &s
	}
	r.Hash = ItemHash(it)
	return r
}

// ItemHash fingerprints what Config would call the resource's state: the
// configuration, supplementary configuration, tags, relationships and
// status, not the capture time. Two snapshots of an unchanged resource hash
// alike.
func ItemHash(it *inventory.Item) string {
	h := sha256.New()
	canon := func(v any) {
		b, _ := json.Marshal(v) // maps marshal with sorted keys
		h.Write(b)
		h.Write([]byte{0})
	}
	var conf any
	json.Unmarshal(it.Configuration, &conf)
	canon(conf)
	supp := map[string]any{}
	for k, v := range it.SupplementaryConfiguration {
		var x any
		json.Unmarshal(v, &x)
		supp[k] = x
	}
	canon(supp)
	canon(it.Tags)
	rels := append([]inventory.Relationship(nil), it.Relationships...)
	sort.Slice(rels, func(i, j int) bool {
		return rels[i].ResourceType+rels[i].ResourceID+rels[i].RelationshipName < rels[j].ResourceType+rels[j].ResourceID+rels[j].RelationshipName
	})
	canon(rels)
	canon(it.Status)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// ErrBadItem marks a configuration item that cannot be stored (no usable
// account, region or capture time).
var ErrBadItem = errors.New("configuration item not storable")

// WriteConfigItems adds a snapshot's items to the lake in one
// transaction: one file per account × region × capture date. Items
// without an account or region are an error naming the item.
func (l *Lake) WriteConfigItems(snapshotID, source string, items []*inventory.Item) error {
	if l.Remote() {
		return fmt.Errorf("configuration items are kept in local lakes only")
	}
	tx, err := l.Begin()
	if err != nil {
		return err
	}
	if err := WriteConfigItemsTx(tx, snapshotID, source, items); err != nil {
		tx.Abort()
		return err
	}
	return tx.Commit()
}

// WriteConfigItemsTx writes items into tx (which the caller commits).
func WriteConfigItemsTx(tx *Tx, snapshotID, source string, items []*inventory.Item) error {
	parts := map[vigil.Partition][]configRow{}
	for _, it := range items {
		p := vigil.Partition{Account: it.AccountID, Region: it.Region, Date: it.CaptureTime.UTC().Format("2006-01-02")}
		if !vigil.IsAccountID(p.Account) || !p.Valid() || it.CaptureTime.IsZero() {
			return fmt.Errorf("%w: %s %s: account %q, region %q or capture time %v not usable as a partition",
				ErrBadItem, it.ResourceType, it.ResourceID, it.AccountID, it.Region, it.CaptureTime)
		}
		parts[p] = append(parts[p], newConfigRow(snapshotID, source, it))
	}
	keys := make([]vigil.Partition, 0, len(parts))
	for p := range parts {
		keys = append(keys, p)
	}
	sort.Slice(keys, func(i, j int) bool { return PartitionDir("", keys[i]) < PartitionDir("", keys[j]) })
	for _, p := range keys {
		if err := writeRows(tx, configDir, p, parts[p]); err != nil {
			return fmt.Errorf("write configuration items of %s/%s: %w", p.Account, p.Region, err)
		}
	}
	return nil
}

// writeRows writes rows as one Parquet file of table's partition p.
func writeRows[T any](tx *Tx, table string, p vigil.Partition, rows []T) error {
	f, err := tx.CreateFile(table, p)
	if err != nil {
		return err
	}
	w := parquet.NewGenericWriter[T](f, parquet.Compression(zstdCodec), parquet.CreatedBy("vigil", "0", ""))
	if _, err := w.Write(rows); err != nil {
		f.Close()
		return err
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SnapshotItems returns, per account, the items of the newest snapshot in
// the lake: the newest API (or replayed) collection, or — when Config's
// own files are newer — the newest item of each resource from those files,
// deletions dropped. accounts narrows the accounts (nil: all).
func (e *Engine) SnapshotItems(ctx context.Context, accounts []string) (map[string][]*inventory.Item, map[string]string, error) {
	if err := e.refresh(ctx); err != nil {
		return nil, nil, err
	}
	// The account filter is on the partition column, so other accounts'
	// files are not read at all.
	filter := "true"
	if len(accounts) > 0 {
		quoted := make([]string, len(accounts))
		for i, a := range accounts {
			quoted[i] = quote(a)
		}
		filter = "account IN (" + strings.Join(quoted, ", ") + ")"
	}
	q := `WITH items AS (
		SELECT * FROM auditing.config_items WHERE ` + filter + `
	), api AS (
		SELECT account_id, max(snapshot_id) AS snapshot_id, max(configuration_item_capture_time) AS t
		FROM items WHERE source IN ('api', 'replay') GROUP BY account_id
	), files AS (
		SELECT account_id, max(configuration_item_capture_time) AS t
		FROM items WHERE source NOT IN ('api', 'replay') GROUP BY account_id
	), pick AS (
		SELECT coalesce(a.account_id, f.account_id) AS account_id,
		       CASE WHEN a.t IS NOT NULL AND (f.t IS NULL OR a.t >= f.t) THEN a.snapshot_id END AS snapshot_id
		FROM api a FULL OUTER JOIN files f ON a.account_id = f.account_id
	), fromfiles AS (
		SELECT c.* FROM items c JOIN pick p ON c.account_id = p.account_id AND p.snapshot_id IS NULL
		WHERE c.source NOT IN ('api', 'replay')
		QUALIFY row_number() OVER (PARTITION BY c.account_id, c.aws_region, c.resource_type, c.resource_id
		                           ORDER BY c.configuration_item_capture_time DESC, c.configuration_state_id DESC) = 1
	)
	SELECT snapshot_id, account_id, version, configuration_item_capture_time, configuration_item_status, configuration_state_id,
	       resource_type, resource_id, resource_name, arn, aws_region, availability_zone, resource_creation_time,
	       configuration, supplementary_configuration, CAST(to_json(tags) AS VARCHAR), relationships, related_events, collection_errors
	FROM (
		SELECT c.* FROM items c JOIN pick p ON c.account_id = p.account_id AND c.snapshot_id = p.snapshot_id
		UNION ALL
		SELECT * FROM fromfiles WHERE configuration_item_status NOT IN ('ResourceDeleted', 'ResourceDeletedNotRecorded')
	)
	ORDER BY account_id, aws_region, resource_type, resource_id`
	rows, err := e.db.QueryContext(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("read the newest snapshot: %w", err)
	}
	defer rows.Close()
	out := map[string][]*inventory.Item{}
	snaps := map[string]string{}
	for rows.Next() {
		var (
			snap, name, arn, az, conf, supp, tags, rels, errs sql.NullString
			created                                           sql.NullTime
			related                                           any
			it                                                inventory.Item
		)
		if err := rows.Scan(&snap, &it.AccountID, &it.Version, &it.CaptureTime, &it.Status, &it.StateID,
			&it.ResourceType, &it.ResourceID, &name, &arn, &it.Region, &az, &created,
			&conf, &supp, &tags, &rels, &related, &errs); err != nil {
			return nil, nil, fmt.Errorf("read the newest snapshot: %w", err)
		}
		it.ResourceName, it.ARN, it.AvailabilityZone = name.String, arn.String, az.String
		if created.Valid {
			t := created.Time.UTC()
			it.ResourceCreationTime = &t
		}
		it.CaptureTime = it.CaptureTime.UTC()
		if conf.Valid {
			it.Configuration = json.RawMessage(conf.String)
		}
		for _, f := range []struct {
			s   sql.NullString
			dst any
		}{{supp, &it.SupplementaryConfiguration}, {tags, &it.Tags}, {rels, &it.Relationships}, {errs, &it.Errors}} {
			if f.s.Valid && f.s.String != "" && f.s.String != "null" {
				if err := json.Unmarshal([]byte(f.s.String), f.dst); err != nil {
					return nil, nil, fmt.Errorf("configuration item %s %s: %w", it.ResourceType, it.ResourceID, err)
				}
			}
		}
		if l, ok := related.([]any); ok {
			for _, v := range l {
				if s, ok := v.(string); ok {
					it.RelatedEvents = append(it.RelatedEvents, s)
				}
			}
		}
		id := snap.String
		if id == "" {
			id = "config-files"
		}
		snaps[it.AccountID] = id
		out[it.AccountID] = append(out[it.AccountID], &it)
	}
	return out, snaps, rows.Err()
}
