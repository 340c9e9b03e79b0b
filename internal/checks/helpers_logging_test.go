package checks

import (
	"encoding/json"
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// withSupp sets it's supplementary configuration from a JSON object.
func withSupp(it *inventory.Item, supp string) *inventory.Item {
	if err := json.Unmarshal([]byte(supp), &it.SupplementaryConfiguration); err != nil {
		panic("bad test supplementaryConfiguration: " + supp)
	}
	return it
}

// withErrors records failed calls on it.
func withErrors(it *inventory.Item, permission, code string) *inventory.Item {
	it.Errors = append(it.Errors, inventory.CallError{Permission: permission, Code: code, Region: it.Region})
	return it
}

// Test fixtures of the monitoring chain, in us-east-1.
const (
	lgGroupARN  = "arn:aws:logs:us-east-1:" + testAccount + ":log-group:trail-logs:*"
	lgTopicARN  = "arn:aws:sns:us-east-1:" + testAccount + ":alerts"
	lgTrailConf = `{"name":"main","isMultiRegionTrail":true,"homeRegion":"us-east-1","logFileValidationEnabled":true,` +
		`"cloudWatchLogsLogGroupArn":"` + lgGroupARN + `"}`
	lgTrailSupp = `{"TrailStatus":{"isLogging":true},"EventSelectors":[{"readWriteType":"All","includeManagementEvents":true,"dataResources":[]}],"AdvancedEventSelectors":[]}`
)

// lgTrail is a multi-region trail that is logging all management events
// to log group trail-logs.
func lgTrail() *inventory.Item {
	return withSupp(item(collect.TypeCloudTrailTrail, "us-east-1", "main", lgTrailConf), lgTrailSupp)
}

// lgChain is the rest of a monitoring chain for pattern: metric filter,
// alarm on its metric, topic with one confirmed subscription.
func lgChain(pattern string) []*inventory.Item {
	p, _ := json.Marshal(pattern)
	return []*inventory.Item{
		item(collect.TypeLogsMetricFilter, "us-east-1", "trail-logs:cis", `{"filterName":"cis","logGroupName":"trail-logs","filterPattern":`+string(p)+
			`,"metricTransformations":[{"metricName":"CISMetric","metricNamespace":"CISBenchmark","metricValue":"1"}]}`),
		item(collect.TypeCloudWatchAlarm, "us-east-1", "cis-alarm", `{"alarmName":"cis-alarm","metricName":"CISMetric","namespace":"CISBenchmark",`+
			`"actionsEnabled":true,"alarmActions":["`+lgTopicARN+`"],"okactions":[]}`),
		withSupp(item(collect.TypeSNSTopic, "us-east-1", lgTopicARN, `{"TopicArn":"`+lgTopicARN+`"}`),
			`{"Subscriptions":[{"subscriptionArn":"`+lgTopicARN+`:0b1c","protocol":"email","endpoint":"soc@example.com"}]}`),
	}
}

// lgConfigChain is a chain in AWS Config's delivered spelling: the trail
// without event selectors (none custom), the alarm with a metric-math
// query, the topic's attributes with SubscriptionsConfirmed.
func lgConfigChain(pattern string) []*inventory.Item {
	p, _ := json.Marshal(pattern)
	return []*inventory.Item{
		withSupp(item(collect.TypeCloudTrailTrail, "us-east-1", "APJCCloudTrail", `{"name":"APJCCloudTrail","s3BucketName":"b","includeGlobalServiceEvents":true,`+
			`"isMultiRegionTrail":true,"homeRegion":"us-east-1","logFileValidationEnabled":true,"hasCustomEventSelectors":false,`+
			`"cloudWatchLogsLogGroupArn":"`+lgGroupARN+`"}`), `{"Tags":[],"TrailStatus":{"IsLogging":true}}`),
		item(collect.TypeLogsMetricFilter, "us-east-1", "trail-logs:cis", `{"FilterName":"cis","LogGroupName":"trail-logs","FilterPattern":`+string(p)+
			`,"MetricTransformations":[{"MetricName":"CISMetric","MetricNamespace":"CISBenchmark","MetricValue":"1"}]}`),
		item(collect.TypeCloudWatchAlarm, "us-east-1", "cis-alarm", `{"alarmName":"cis-alarm","actionsEnabled":true,"alarmActions":["`+lgTopicARN+`"],`+
			`"metrics":[{"id":"m1","metricStat":{"metric":{"namespace":"CISBenchmark","metricName":"CISMetric"},"period":300,"stat":"Sum"}}],"okactions":[]}`),
		item(collect.TypeSNSTopic, "us-east-1", lgTopicARN, `{"TopicArn":"`+lgTopicARN+`","Owner":"`+testAccount+`","SubscriptionsConfirmed":"2","DisplayName":"Alerts"}`),
	}
}

// monitoringCases are the cases every CIS monitoring check must pass:
// cis is CIS's pattern, variant an equivalent rewrite, broken a pattern
// that must not do (and brokenWhy the reason's expected text).
func monitoringCases(cis, variant, broken, brokenWhy string) []checkCase {
	pending := lgChain(cis)
	pending[2] = withSupp(item(collect.TypeSNSTopic, "us-east-1", lgTopicARN, `{"TopicArn":"`+lgTopicARN+`"}`),
		`{"Subscriptions":[{"subscriptionArn":"PendingConfirmation","protocol":"email"}]}`)
	single := item(collect.TypeCloudTrailTrail, "us-east-1", "main", `{"name":"main","isMultiRegionTrail":false,"cloudWatchLogsLogGroupArn":"`+lgGroupARN+`"}`)
	withSupp(single, lgTrailSupp)
	return []checkCase{
		{"CIS pattern passes", append([]*inventory.Item{lgTrail()}, lgChain(cis)...),
			[]want{{compliance.Pass, "cis-alarm", "alarm cis-alarm notifies topic " + lgTopicARN + " (1 confirmed subscription)"}}},
		{"rewritten pattern in Config spelling passes", append(regions("us-east-1"), lgConfigChain(variant)...),
			[]want{{compliance.Pass, "cis-alarm", "2 confirmed subscriptions"}}},
		{"incomplete pattern fails", append([]*inventory.Item{lgTrail()}, lgChain(broken)...),
			[]want{{compliance.Fail, "", brokenWhy}}},
		{"no alarm fails", append([]*inventory.Item{lgTrail()}, lgChain(cis)[0]),
			[]want{{compliance.Fail, "", "no alarm watches its metric CISBenchmark/CISMetric"}}},
		{"unconfirmed subscription fails", append([]*inventory.Item{lgTrail()}, pending...),
			[]want{{compliance.Fail, "", "notifies no SNS topic with a confirmed subscription"}}},
		{"single-region trail fails", append([]*inventory.Item{single}, lgChain(cis)...),
			[]want{{compliance.Fail, "", "trail main is not multi-region"}}},
		{"metric filters not collected", []*inventory.Item{lgTrail(), gap(collect.TypeLogsMetricFilter, "us-east-1", "logs:DescribeMetricFilters", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission logs:DescribeMetricFilters"}}},
		{"trails not collected", append([]*inventory.Item{gap(collect.TypeCloudTrailTrail, "us-east-1", "cloudtrail:DescribeTrails", "AccessDeniedException")}, lgChain(cis)...),
			[]want{{compliance.Error, "", "missing permission cloudtrail:DescribeTrails"}}},
	}
}

func TestFilterPattern(t *testing.T) {
	login := ctEvent("signin.amazonaws.com", "ConsoleLogin", "additionalEventData.MFAUsed", "No", "responseElements.ConsoleLogin", "Success")
	root := ctEvent("iam.amazonaws.com", "CreateUser", "userIdentity.type", "Root")
	denied := ctEvent("ec2.amazonaws.com", "RunInstances", "errorCode", "Client.UnauthorizedOperation")
	for _, tc := range []struct {
		name, pattern string
		ev            map[string]any
		want          bool
	}{
		{"quoted equality", `{ $.eventName = "ConsoleLogin" }`, login, true},
		{"bare equality, no spaces", `{$.eventName=ConsoleLogin}`, login, true},
		{"other value", `{ $.eventName = CreateUser }`, login, false},
		{"not equal", `{ $.additionalEventData.MFAUsed != "Yes" }`, login, true},
		{"not equal on a missing field", `{ $.errorCode != "AccessDenied" }`, login, false},
		{"leading wildcard", `{ $.errorCode = "*UnauthorizedOperation" }`, denied, true},
		{"trailing wildcard", `{ $.errorCode = "Client.*" }`, denied, true},
		{"wildcard does not match another value", `{ $.errorCode = "AccessDenied*" }`, denied, false},
		{"and binds tighter than or", `{ $.eventName = X || $.eventName = RunInstances && $.eventSource = ec2.amazonaws.com }`, denied, true},
		{"parentheses", `{ ($.eventName = X || $.eventName = RunInstances) && $.eventSource = s3.amazonaws.com }`, denied, false},
		{"not exists", `{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS }`, root, true},
		{"exists fails", `{ $.userIdentity.invokedBy EXISTS }`, root, false},
		{"regular expression", `{ $.eventName = %Create[A-Z]+% }`, root, true},
		{"escaped quote", `{ $.eventName = "Say \"hi\"" }`, ctEvent("x", `Say "hi"`), true},
		{"case matters", `{ $.eventname = consolelogin }`, login, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := cwParse(tc.pattern)
			if err != nil {
				t.Fatalf("parse %s: %v", tc.pattern, err)
			}
			if got := e.match(tc.ev); got != tc.want {
				t.Errorf("%s on %v = %v, want %v", tc.pattern, tc.ev["eventName"], got, tc.want)
			}
		})
	}
	for _, bad := range []string{``, `ConsoleLogin`, `{ $.eventName = }`, `{ ($.eventName = X }`, `{ $.eventName = "X }`, `{ eventName = X }`, `{ $.a = X Y }`, `{ $.a ~ X }`} {
		if _, err := cwParse(bad); err == nil {
			t.Errorf("pattern %q parsed, want an error", bad)
		}
	}
}

func TestTrailSelectors(t *testing.T) {
	for _, tc := range []struct {
		name, conf, supp string
		want             ctEvents
		unknown          bool
	}{
		{"default selectors (Config item without them)", `{"hasCustomEventSelectors":false}`, `{}`, ctEvents{mgmtRead: true, mgmtWrite: true}, false},
		{"custom selectors not recorded", `{"hasCustomEventSelectors":true}`, `{}`, ctEvents{}, true},
		{"classic write-only with all buckets", `{}`, `{"EventSelectors":[{"readWriteType":"WriteOnly","includeManagementEvents":true,"dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3"]}]}]}`,
			ctEvents{mgmtWrite: true, s3Write: true}, false},
		{"classic one bucket only", `{}`, `{"EventSelectors":[{"readWriteType":"All","includeManagementEvents":false,"dataResources":[{"type":"AWS::S3::Object","values":["arn:aws:s3:::bucket/"]}]}]}`,
			ctEvents{}, false},
		{"advanced management and S3 reads", `{}`, `{"EventSelectors":[],"AdvancedEventSelectors":[` +
			`{"name":"m","fieldSelectors":[{"field":"eventCategory","equals":["Management"]}]},` +
			`{"name":"r","fieldSelectors":[{"field":"eventCategory","equals":["Data"]},{"field":"resources.type","equals":["AWS::S3::Object"]},{"field":"readOnly","equals":["true"]}]}]}`,
			ctEvents{mgmtRead: true, mgmtWrite: true, s3Read: true}, false},
		{"advanced narrowed to a bucket", `{}`, `{"AdvancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":["Data"]},` +
			`{"field":"resources.type","equals":["AWS::S3::Object"]},{"field":"resources.ARN","startsWith":["arn:aws:s3:::bucket/"]}]}]}`, ctEvents{}, false},
		{"advanced all buckets by ARN prefix", `{}`, `{"AdvancedEventSelectors":[{"fieldSelectors":[{"field":"eventCategory","equals":["Data"]},` +
			`{"field":"resources.type","equals":["AWS::S3::Object"]},{"field":"resources.ARN","startsWith":["arn:aws:s3:::"]}]}]}`, ctEvents{s3Read: true, s3Write: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			it := withSupp(item(collect.TypeCloudTrailTrail, "us-east-1", "t", tc.conf), tc.supp)
			got, why := ctSelectors(it)
			if got != tc.want || (why != "") != tc.unknown {
				t.Errorf("got %+v (%q), want %+v unknown=%v", got, why, tc.want, tc.unknown)
			}
		})
	}
}
