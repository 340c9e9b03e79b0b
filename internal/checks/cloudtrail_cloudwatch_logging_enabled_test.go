package checks

import (
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCloudTrailCloudWatchLoggingEnabled(t *testing.T) {
	const typ = collect.TypeCloudTrailTrail
	captured := func(it *inventory.Item) *inventory.Item {
		it.CaptureTime = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		return it
	}
	conf := `{"name":"t","cloudWatchLogsLogGroupArn":"` + lgGroupARN + `"}`
	runCases(t, "cloudtrail_cloudwatch_logging_enabled", []checkCase{
		{"recent delivery passes", []*inventory.Item{captured(withSupp(item(typ, "us-east-1", "t", conf),
			`{"TrailStatus":{"isLogging":true,"latestCloudWatchLogsDeliveryTime":"2026-11-01T11:55:00Z"}}`))},
			[]want{{compliance.Pass, "t", "last delivery 2026-11-01T11:55:00Z"}}},
		{"Config spelling, epoch milliseconds", []*inventory.Item{captured(withSupp(item(typ, "us-east-1", "t", `{"Name":"t","CloudWatchLogsLogGroupArn":"`+lgGroupARN+`"}`),
			`{"TrailStatus":{"IsLogging":true,"LatestCloudWatchLogsDeliveryTime":1793534400000}}`))},
			[]want{{compliance.Pass, "t", ""}}},
		{"stale delivery fails", []*inventory.Item{captured(withSupp(item(typ, "us-east-1", "t", conf),
			`{"TrailStatus":{"isLogging":true,"latestCloudWatchLogsDeliveryTime":"2026-10-29T12:00:00Z"}}`))},
			[]want{{compliance.Fail, "t", "72h0m0s before the snapshot"}}},
		{"no log group fails", []*inventory.Item{item(typ, "us-east-1", "t", `{"name":"t"}`)}, []want{{compliance.Fail, "t", "does not deliver"}}},
		{"never delivered fails", []*inventory.Item{captured(withSupp(item(typ, "us-east-1", "t", conf), `{"TrailStatus":{"isLogging":true}}`))},
			[]want{{compliance.Fail, "t", "never delivered"}}},
		{"status denied is an error", []*inventory.Item{withErrors(item(typ, "us-east-1", "t", conf), "cloudtrail:GetTrailStatus", "AccessDeniedException")},
			[]want{{compliance.Error, "t", "missing permission cloudtrail:GetTrailStatus"}}},
		{"trails denied is an error", []*inventory.Item{gap(typ, "us-east-1", "cloudtrail:DescribeTrails", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}}},
	})
}
