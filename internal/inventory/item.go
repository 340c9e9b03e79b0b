package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Item is one configuration item, in AWS Config's shape. JSON encoding
// uses the API spelling (version, accountId, arn); UnmarshalJSON also
// accepts the delivery spelling of Config's snapshot and history files
// (configurationItemVersion, awsAccountId, ARN) and a configuration given
// as a JSON string (as GetResourceConfigHistory returns it).
type Item struct {
	Version                    string                     `json:"version"`
	AccountID                  string                     `json:"accountId"`
	CaptureTime                time.Time                  `json:"configurationItemCaptureTime"`
	Status                     string                     `json:"configurationItemStatus"`
	StateID                    string                     `json:"configurationStateId"`
	ResourceType               string                     `json:"resourceType"`
	ResourceID                 string                     `json:"resourceId"`
	ResourceName               string                     `json:"resourceName,omitempty"`
	ARN                        string                     `json:"arn,omitempty"`
	Region                     string                     `json:"awsRegion"`
	AvailabilityZone           string                     `json:"availabilityZone,omitempty"`
	ResourceCreationTime       *time.Time                 `json:"resourceCreationTime,omitempty"`
	Configuration              json.RawMessage            `json:"configuration"`
	SupplementaryConfiguration map[string]json.RawMessage `json:"supplementaryConfiguration,omitempty"`
	Tags                       map[string]string          `json:"tags,omitempty"`
	Relationships              []Relationship             `json:"relationships,omitempty"`
	RelatedEvents              []string                   `json:"relatedEvents,omitempty"`
	// Errors are the calls that failed while this item was collected; the
	// item is then incomplete in the parts those calls provide. Not part of
	// Config's shape.
	Errors []CallError `json:"vigilCollectionErrors,omitempty"`

	conf map[string]any // decoded Configuration, lazily
	supp map[string]any // decoded SupplementaryConfiguration, lazily
}

// Relationship is a CI relationship (Config's "Is contained in Vpc", …).
type Relationship struct {
	ResourceType     string `json:"resourceType"`
	ResourceID       string `json:"resourceId,omitempty"`
	ResourceName     string `json:"resourceName,omitempty"`
	RelationshipName string `json:"relationshipName"`
}

// Config's configurationItemStatus values.
const (
	StatusOK         = "OK"
	StatusDiscovered = "ResourceDiscovered"
	StatusNotRecord  = "ResourceNotRecorded"
	StatusDeleted    = "ResourceDeleted"
	StatusDeletedNR  = "ResourceDeletedNotRecorded"
)

// ItemVersion is the CI version Vigil writes.
const ItemVersion = "1.3"

// GlobalRegion is the awsRegion Config gives global (IAM) resources.
const GlobalRegion = "global"

// Deleted reports whether the item records a deletion.
func (it *Item) Deleted() bool {
	return it.Status == StatusDeleted || it.Status == StatusDeletedNR
}

// itemWire accepts both spellings of every field Config has spelled two ways.
type itemWire struct {
	Version                    string          `json:"version"`
	ItemVersion                string          `json:"configurationItemVersion"`
	AccountID                  string          `json:"accountId"`
	AWSAccountID               string          `json:"awsAccountId"`
	CaptureTime                flexTime        `json:"configurationItemCaptureTime"`
	Status                     string          `json:"configurationItemStatus"`
	StateID                    json.RawMessage `json:"configurationStateId"`
	ResourceType               string          `json:"resourceType"`
	ResourceID                 string          `json:"resourceId"`
	ResourceName               string          `json:"resourceName"`
	Arn                        string          `json:"arn"`
	ARN                        string          `json:"ARN"`
	Region                     string          `json:"awsRegion"`
	AvailabilityZone           string          `json:"availabilityZone"`
	ResourceCreationTime       flexTime        `json:"resourceCreationTime"`
	Configuration              json.RawMessage `json:"configuration"`
	SupplementaryConfiguration json.RawMessage `json:"supplementaryConfiguration"`
	Tags                       json.RawMessage `json:"tags"`
	Relationships              []Relationship  `json:"relationships"`
	RelatedEvents              []string        `json:"relatedEvents"`
	Errors                     []CallError     `json:"vigilCollectionErrors"`
}

// UnmarshalJSON reads a CI in either spelling.
func (it *Item) UnmarshalJSON(b []byte) error {
	// encoding/json matches keys case-insensitively, so "arn" and "ARN"
	// would land in whichever field comes first; decode them separately.
	var w itemWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var exact map[string]json.RawMessage
	if err := json.Unmarshal(b, &exact); err != nil {
		return err
	}
	*it = Item{
		Version:          first(w.Version, w.ItemVersion),
		AccountID:        first(w.AccountID, w.AWSAccountID),
		CaptureTime:      w.CaptureTime.Time,
		Status:           w.Status,
		StateID:          rawScalar(w.StateID),
		ResourceType:     w.ResourceType,
		ResourceID:       w.ResourceID,
		ResourceName:     w.ResourceName,
		Region:           w.Region,
		AvailabilityZone: w.AvailabilityZone,
		Relationships:    w.Relationships,
		RelatedEvents:    w.RelatedEvents,
		Errors:           w.Errors,
	}
	for _, k := range []string{"arn", "ARN"} {
		if v, ok := exact[k]; ok {
			var s string
			if json.Unmarshal(v, &s) == nil && s != "" {
				it.ARN = s
			}
		}
	}
	if !w.ResourceCreationTime.IsZero() {
		t := w.ResourceCreationTime.Time
		it.ResourceCreationTime = &t
	}
	conf, err := objectOrString(w.Configuration)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	it.Configuration = conf
	if len(w.SupplementaryConfiguration) > 0 && string(w.SupplementaryConfiguration) != "null" {
		var sup map[string]json.RawMessage
		if err := json.Unmarshal(w.SupplementaryConfiguration, &sup); err != nil {
			return fmt.Errorf("supplementaryConfiguration: %w", err)
		}
		for k, v := range sup {
			if sup[k], err = objectOrString(v); err != nil {
				return fmt.Errorf("supplementaryConfiguration.%s: %w", k, err)
			}
		}
		if len(sup) > 0 {
			it.SupplementaryConfiguration = sup
		}
	}
	tags, err := parseTags(w.Tags)
	if err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	it.Tags = tags
	if it.ResourceType == "" {
		return fmt.Errorf("configuration item without resourceType")
	}
	return nil
}

// objectOrString turns a JSON string holding a JSON object or array into
// that value; anything else is returned as is.
func objectOrString(v json.RawMessage) (json.RawMessage, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return nil, nil
	}
	if v[0] != '"' {
		return v, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, err
	}
	t := strings.TrimSpace(s)
	if (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)) {
		return json.RawMessage(t), nil
	}
	return v, nil
}

// parseTags accepts Config's map form and the API's [{key,value}] /
// [{Key,Value}] list form.
func parseTags(v json.RawMessage) (map[string]string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return nil, nil
	}
	if v[0] == '{' {
		var m map[string]string
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, err
		}
		if len(m) == 0 {
			return nil, nil
		}
		return m, nil
	}
	var l []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	if err := json.Unmarshal(v, &l); err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(l))
	for _, kv := range l {
		m[kv.Key] = kv.Value
	}
	return m, nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// rawScalar renders a JSON string or number as text.
func rawScalar(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// flexTime reads ISO 8601 timestamps with or without a zone and epoch
// seconds or milliseconds, all of which occur in Config files.
type flexTime struct{ time.Time }

func (t *flexTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] != '"' {
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("time %s: %w", b, err)
		}
		if f > 1e11 { // milliseconds
			t.Time = time.UnixMilli(int64(f)).UTC()
		} else {
			t.Time = time.Unix(int64(f), 0).UTC()
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	tt, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = tt
	return nil
}

// ParseTime parses the timestamp spellings AWS APIs and files use.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: not ISO 8601", s)
}
