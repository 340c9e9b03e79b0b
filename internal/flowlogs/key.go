package flowlogs

import (
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/vigil"
)

// Key is a parsed VPC Flow Logs S3 key.
type Key struct {
	Partition vigil.Partition // account, region and delivery day from the key
	Hour      string          // "00".."23" for hourly partitions, else ""
	// Rel is the key from "AWSLogs/" on: a stable name for the object
	// wherever the bucket was copied to.
	Rel     string
	Parquet bool // a Parquet log file (read with ReadParquet), else text
}

// ParseKey parses an S3 key or local path in VPC Flow Logs' delivery
// layouts, daily or hourly:
//
//	[prefix/]AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/[HH/]<file>
//	[prefix/]AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=YYYY/month=MM/day=DD/[hour=HH/]<file>
//
// ok is false for paths outside these layouts. Unlike CloudTrail's, the
// layout has no organization level. As in Athena's partitions, the date is
// the key's delivery day, not the records' time.
// See https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html.
func ParseKey(path string) (k Key, ok bool) {
	path = strings.ReplaceAll(path, "\\", "/")
	i := strings.LastIndex(path, "AWSLogs/")
	if i < 0 || (i > 0 && path[i-1] != '/') {
		return Key{}, false
	}
	rel := path[i:]
	parts := strings.Split(rel, "/")[1:]
	if len(parts) != 7 && len(parts) != 8 {
		return Key{}, false
	}
	file := parts[len(parts)-1]
	if file == "" {
		return Key{}, false
	}
	var account, region, year, month, day, hour string
	if strings.HasPrefix(parts[0], "aws-account-id=") {
		var vals [7]string
		// The Transit Gateway guide spells the service level "service=";
		// the VPC guide "aws-service=". Both are accepted.
		names := [7]string{"aws-account-id=", "aws-service=", "aws-region=", "year=", "month=", "day=", "hour="}
		for j, p := range parts[:len(parts)-1] {
			name := names[j]
			if j == 1 && strings.HasPrefix(p, "service=") {
				name = "service="
			}
			v, found := strings.CutPrefix(p, name)
			if !found {
				return Key{}, false
			}
			vals[j] = v
		}
		if vals[1] != "vpcflowlogs" {
			return Key{}, false
		}
		account, region, year, month, day, hour = vals[0], vals[2], vals[3], vals[4], vals[5], vals[6]
	} else {
		if parts[1] != "vpcflowlogs" {
			return Key{}, false
		}
		account, region, year, month, day = parts[0], parts[2], parts[3], parts[4], parts[5]
		if len(parts) == 8 {
			hour = parts[6]
		}
	}
	if !vigil.IsAccountID(account) || len(year) != 4 || len(month) != 2 || len(day) != 2 {
		return Key{}, false
	}
	date := year + "-" + month + "-" + day
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return Key{}, false
	}
	if len(parts) == 8 && !isHour(hour) {
		return Key{}, false
	}
	k = Key{
		Partition: vigil.Partition{Account: account, Region: region, Date: date},
		Hour:      hour,
		Rel:       rel,
		Parquet:   strings.HasSuffix(strings.ToLower(file), ".parquet"),
	}
	if !k.Partition.Valid() {
		return Key{}, false
	}
	return k, true
}

// RecordPartition derives a partition from a record, for files outside
// the delivery layouts: the account-id field (else fallbackAccount, also
// when AWS wrote "unknown" for an interface an AWS service owns), the
// region field (version 4; else fallbackRegion) and the UTC day of start
// (else of end). ok is false when the result is incomplete or unsafe as a
// path element.
func RecordPartition(rec *vigil.FlowRecord, fallbackAccount, fallbackRegion string) (vigil.Partition, bool) {
	p := vigil.Partition{Account: fallbackAccount, Region: fallbackRegion}
	if rec.Has(vigil.FlowAccountID) && vigil.IsAccountID(rec.Str[vigil.FlowAccountID]) {
		p.Account = rec.Str[vigil.FlowAccountID]
	}
	if rec.Has(vigil.FlowRegion) {
		p.Region = rec.Str[vigil.FlowRegion]
	}
	switch {
	case rec.Has(vigil.FlowStart):
		p.Date = unixDay(rec.Int[vigil.FlowStart])
	case rec.Has(vigil.FlowEnd):
		p.Date = unixDay(rec.Int[vigil.FlowEnd])
	}
	return p, p.Valid()
}

// unixDay returns the UTC day of a Unix time in seconds, or "" outside
// years 1970 to 9999.
func unixDay(sec int64) string {
	if sec < 0 || sec > 253402300799 { // 9999-12-31T23:59:59Z
		return ""
	}
	return time.Unix(sec, 0).UTC().Format(time.DateOnly)
}

func isHour(s string) bool {
	return len(s) == 2 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' && (s[0] < '2' || s[1] <= '3')
}
