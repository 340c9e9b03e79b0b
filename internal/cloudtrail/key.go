package cloudtrail

import (
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Kind tells what a CloudTrail object key holds.
type Kind int

const (
	// KindUnknown is a key outside CloudTrail's layout.
	KindUnknown Kind = iota
	// KindLog is a log file (CloudTrail/ or CloudTrail-Insight/).
	KindLog
	// KindDigest is a digest file (CloudTrail-Digest/), never ingested.
	KindDigest
)

// Key is a parsed CloudTrail S3 key.
type Key struct {
	Kind      Kind
	OrgID     string          // o-... for organization trails, else ""
	Partition vigil.Partition // account, region and delivery day from the key
	// Rel is the key from "AWSLogs/" on: a stable name for the object
	// wherever the bucket was copied to.
	Rel string
}

// ParseKey parses an S3 key or local path in CloudTrail's delivery layout:
//
//	[prefix/]AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>
//	[prefix/]AWSLogs/<o-org-id>/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>
//
// (also CloudTrail-Insight and CloudTrail-Digest). ok is false for paths
// outside the layout. As in Athena's partitions, the date is the key's
// delivery day, not the events' time.
// See https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html.
func ParseKey(path string) (k Key, ok bool) {
	path = strings.ReplaceAll(path, "\\", "/")
	i := strings.LastIndex(path, "AWSLogs/")
	if i < 0 || (i > 0 && path[i-1] != '/') {
		return Key{}, false
	}
	rel := path[i:]
	parts := strings.Split(rel, "/")[1:]
	if len(parts) > 0 && vigil.IsOrgID(parts[0]) {
		k.OrgID = parts[0]
		parts = parts[1:]
	}
	if len(parts) != 7 || !vigil.IsAccountID(parts[0]) || parts[6] == "" {
		return Key{}, false
	}
	switch parts[1] {
	case "CloudTrail", "CloudTrail-Insight":
		k.Kind = KindLog
	case "CloudTrail-Digest":
		k.Kind = KindDigest
	default:
		return Key{}, false
	}
	date := parts[3] + "-" + parts[4] + "-" + parts[5]
	if len(parts[3]) != 4 || len(parts[4]) != 2 || len(parts[5]) != 2 {
		return Key{}, false
	}
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return Key{}, false
	}
	k.Partition = vigil.Partition{Account: parts[0], Region: parts[2], Date: date}
	if !k.Partition.Valid() {
		return Key{}, false
	}
	k.Rel = rel
	return k, true
}

// IsDigestName reports whether a file name is a CloudTrail digest's.
func IsDigestName(path string) bool {
	return strings.Contains(path, "CloudTrail-Digest")
}

// EventPartition derives a partition from the event itself, for inputs
// outside the delivery layout: recipientAccountId (else the identity's
// account), awsRegion and the UTC day of eventTime. ok is false when any of
// them is missing or unusable.
func EventPartition(e *vigil.Event) (vigil.Partition, bool) {
	p := vigil.Partition{Account: e.RecipientAccountID, Region: e.AWSRegion}
	if p.Account == "" {
		p.Account = e.UserIdentity.AccountID
	}
	p.Date = eventDay(e.EventTime)
	return p, p.Valid()
}

// eventDay returns the UTC day (YYYY-MM-DD) of a CloudTrail eventTime.
func eventDay(t string) string {
	// Fast path: CloudTrail writes "2006-01-02T15:04:05Z".
	if len(t) >= 20 && t[len(t)-1] == 'Z' && t[4] == '-' && t[7] == '-' && t[10] == 'T' {
		if _, err := time.Parse(time.DateOnly, t[:10]); err == nil {
			return t[:10]
		}
	}
	ts, err := time.Parse(time.RFC3339Nano, t)
	if err != nil {
		return ""
	}
	return ts.UTC().Format(time.DateOnly)
}
