package inventory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// ConfigKind is what a Config delivery file holds.
type ConfigKind int

// Kinds of Config delivery files.
const (
	ConfigSnapshot ConfigKind = iota + 1 // ConfigSnapshot: every recorded resource
	ConfigHistory                        // ConfigHistory: changes to one resource type
	ConfigOther                          // writability checks, oversized notifications: skipped
)

// ConfigKey is a parsed key of a file AWS Config delivered:
// [prefix/]AWSLogs/<account>/Config/<region>/YYYY/M/D/(ConfigSnapshot|ConfigHistory)/<name>.json.gz
type ConfigKey struct {
	Rel     string // from AWSLogs/ on: the file's identity
	Account string
	Region  string
	Kind    ConfigKind
}

// ParseConfigKey recognises Config's delivery layout.
func ParseConfigKey(p string) (ConfigKey, bool) {
	p = filepath.ToSlash(p)
	i := strings.Index(p, "AWSLogs/")
	if i < 0 {
		return ConfigKey{}, false
	}
	rel := p[i:]
	parts := strings.Split(rel, "/")
	// AWSLogs / [o-org /] account / Config / region / ...
	j := 1
	if j < len(parts) && vigil.IsOrgID(parts[j]) {
		j++
	}
	if len(parts) < j+4 || !vigil.IsAccountID(parts[j]) || parts[j+1] != "Config" {
		return ConfigKey{}, false
	}
	k := ConfigKey{Rel: rel, Account: parts[j], Region: parts[j+2], Kind: ConfigOther}
	base := path.Base(rel)
	switch {
	case strings.Contains(rel, "/ConfigSnapshot/") || strings.Contains(base, "_ConfigSnapshot_"):
		k.Kind = ConfigSnapshot
	case strings.Contains(rel, "/ConfigHistory/") || strings.Contains(base, "_ConfigHistory_"):
		k.Kind = ConfigHistory
	}
	return k, true
}

// ConfigFile is a decoded Config delivery file (or notification).
type ConfigFile struct {
	// SnapshotID is Config's configSnapshotId ("" for history files).
	SnapshotID string
	Items      []*Item
	// Bad are the items that could not be read, by index and reason.
	Bad []string
}

// ReadConfigFile decodes a ConfigSnapshot or ConfigHistory file (gzip or
// plain), or an SNS/EventBridge configuration-item-change notification, or
// a bare item or array of items. Items in either spelling are accepted; an
// item that cannot be read is reported in Bad, the others kept.
func ReadConfigFile(r io.Reader) (*ConfigFile, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer gz.Close()
		src = gz
	}
	b, err := io.ReadAll(src)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	b = bytes.TrimSpace(b)
	var raws []json.RawMessage
	out := &ConfigFile{}
	switch {
	case len(b) > 0 && b[0] == '[':
		if err := json.Unmarshal(b, &raws); err != nil {
			return nil, fmt.Errorf("not a JSON array of configuration items: %w", err)
		}
	case len(b) > 0 && b[0] == '{':
		var doc struct {
			SnapshotID string            `json:"configSnapshotId"`
			Items      []json.RawMessage `json:"configurationItems"`
			Item       json.RawMessage   `json:"configurationItem"`
			Detail     *struct {
				Item json.RawMessage `json:"configurationItem"`
			} `json:"detail"`
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("not a Config file: %w", err)
		}
		out.SnapshotID = doc.SnapshotID
		switch {
		case doc.Items != nil:
			raws = doc.Items
		case len(doc.Item) > 0:
			raws = []json.RawMessage{doc.Item}
		case doc.Detail != nil && len(doc.Detail.Item) > 0:
			raws = []json.RawMessage{doc.Detail.Item}
		case doc.ResourceType != "":
			raws = []json.RawMessage{b}
		default:
			return nil, fmt.Errorf("not a Config file: no configurationItems")
		}
	default:
		return nil, fmt.Errorf("not a Config file: not JSON")
	}
	for i, raw := range raws {
		it := new(Item)
		if err := json.Unmarshal(raw, it); err != nil {
			out.Bad = append(out.Bad, fmt.Sprintf("configuration item %d: %v", i+1, err))
			continue
		}
		if !vigil.IsAccountID(it.AccountID) || it.Region == "" || it.CaptureTime.IsZero() {
			out.Bad = append(out.Bad, fmt.Sprintf("configuration item %d (%s %s): missing account, region or capture time", i+1, it.ResourceType, it.ResourceID))
			continue
		}
		if it.Version == "" {
			it.Version = ItemVersion
		}
		out.Items = append(out.Items, it)
	}
	return out, nil
}
