package checks

import (
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// ctDeliveryWindow is how recent the last delivery to CloudWatch Logs must
// be (the default of Config's cloud-trail-cloud-watch-logs-enabled).
const ctDeliveryWindow = 24 * time.Hour

func init() {
	compliance.Register(&compliance.Check{
		ID:           "cloudtrail_cloudwatch_logging_enabled",
		Title:        "CloudTrail trail delivers its logs to CloudWatch Logs",
		Description:  "Sending trail events to a CloudWatch Logs group enables real-time metric filters and alarms (the CIS monitoring controls). When the trail status is recorded, the last delivery must be less than 24 hours before the snapshot.",
		Service:      "cloudtrail",
		Severity:     compliance.Low,
		ResourceType: collect.TypeCloudTrailTrail,
		Remediation:  "aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log group ARN> --cloud-watch-logs-role-arn <role ARN>",
		Eval: func(a *compliance.Account) []compliance.Result {
			return ctEachTrail(a, func(t ctTrail) compliance.Result {
				group := inventory.Str(t.it.Conf(), "cloudWatchLogsLogGroupArn")
				if group == "" {
					return compliance.FailFor(t.it, "trail %s does not deliver to CloudWatch Logs", t.name)
				}
				status := inventory.Obj(t.it.Supp(), "TrailStatus")
				if why := monItemError(t.it, "GetTrailStatus"); why != "" {
					return compliance.ErrorFor(t.it, "trail %s delivers to log group %s, but its delivery status is unknown: %s", t.name, group, why)
				}
				if status == nil || t.it.CaptureTime.IsZero() {
					return compliance.PassFor(t.it, "trail %s delivers to log group %s (delivery time not recorded)", t.name, group)
				}
				last, ok := monTime(inventory.Get(status, "latestCloudWatchLogsDeliveryTime"))
				if !ok {
					return compliance.FailFor(t.it, "trail %s is configured for log group %s but has never delivered to it", t.name, group)
				}
				if age := t.it.CaptureTime.Sub(last); age > ctDeliveryWindow {
					return compliance.FailFor(t.it, "trail %s last delivered to log group %s %s before the snapshot", t.name, group, age.Round(time.Hour))
				}
				return compliance.PassFor(t.it, "trail %s delivers to log group %s (last delivery %s)", t.name, group, last.Format(time.RFC3339))
			})
		},
	})
}
