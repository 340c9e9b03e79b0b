package checks

import (
	"fmt"
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// cwMonitor is one CIS monitoring control (5.1–5.15).
type cwMonitor struct {
	id, title, what string
	pattern         string           // CIS's filter pattern, for the remediation
	must, mustNot   []map[string]any // sample CloudTrail events
}

// cwRegister registers the check of a monitoring control.
func cwRegister(m cwMonitor) {
	compliance.Register(&compliance.Check{
		ID:    m.id,
		Title: m.title,
		Description: "A CloudWatch Logs metric filter on the log group of a multi-region trail that is logging read and write management events must catch " + m.what +
			" (CIS's pattern or any pattern matching the same events, whatever its spacing, quoting or term order), a CloudWatch alarm must watch the filter's metric," +
			" and the alarm must notify an SNS topic with at least one confirmed subscription.",
		Service:      "cloudwatch",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeCloudWatchAlarm,
		Remediation: "aws logs put-metric-filter --log-group-name <trail log group> --filter-name <name> --metric-transformations metricName=<metric>,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '" +
			m.pattern + "'; aws cloudwatch put-metric-alarm --alarm-name <name> --namespace CISBenchmark --metric-name <metric> --statistic Sum --period 300 --evaluation-periods 1 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions <SNS topic ARN with a subscription>",
		Eval: func(a *compliance.Account) []compliance.Result { return []compliance.Result{cwMonitorResult(a, m)} },
	})
}

// ctEvent builds a sample CloudTrail event: an IAM user's API call of
// source's name, with kv (dotted path, value pairs) set on top.
func ctEvent(source, name string, kv ...string) map[string]any {
	ev := map[string]any{
		"eventVersion": "1.08", "eventSource": source, "eventName": name, "eventType": "AwsApiCall",
		"awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.7", "recipientAccountId": "111122223333",
		"userIdentity": map[string]any{"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice", "accountId": "111122223333"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m := ev
		path := strings.Split(kv[i], ".")
		for _, p := range path[:len(path)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[path[len(path)-1]] = kv[i+1]
	}
	return ev
}

// ctNamed builds one sample event per name of source.
func ctNamed(source string, names ...string) []map[string]any {
	var out []map[string]any
	for _, n := range names {
		out = append(out, ctEvent(source, n))
	}
	return out
}

// cwCatches reports whether pattern catches every event m must catch and
// none it must not; why says which event it misses.
func cwCatches(pattern string, m cwMonitor) (ok bool, why string) {
	e, err := cwParse(pattern)
	if err != nil {
		return false, "pattern does not parse: " + err.Error()
	}
	desc := func(ev map[string]any) string {
		d := inventory.Str(ev, "eventName")
		if c := inventory.Str(ev, "errorCode"); c != "" {
			d += " (" + c + ")"
		}
		return d
	}
	for _, ev := range m.must {
		if !e.match(ev) {
			return false, "misses " + desc(ev)
		}
	}
	for _, ev := range m.mustNot {
		if e.match(ev) {
			return false, "also catches unrelated " + desc(ev)
		}
	}
	return true, ""
}

// cwMonitorResult follows trail → log group → metric filter → alarm → SNS
// topic with a confirmed subscription, and reports the first link missing.
func cwMonitorResult(a *compliance.Account, m cwMonitor) compliance.Result {
	const alarmType = collect.TypeCloudWatchAlarm
	var (
		fail, unknown string // furthest failure, first missing data
		failStage     int
		region        string
	)
	failAt := func(stage int, r, msg string) {
		if stage >= failStage { // a later, more precise reason of the same stage wins
			failStage, fail, region = stage, msg, r
		}
	}
	missing := func(msg string) {
		if unknown == "" {
			unknown = msg
		}
	}
	var problems []string
	for _, t := range ctTrails(a) {
		if p, isUnknown := ctProblem(t, true); p != "" {
			if isUnknown {
				missing(p)
			}
			problems = append(problems, p)
			continue
		}
		arn := inventory.Str(t.it.Conf(), "cloudWatchLogsLogGroupArn")
		parts := strings.Split(arn, ":")
		if len(parts) < 7 || parts[5] != "log-group" {
			problems = append(problems, "trail "+t.name+" does not deliver to CloudWatch Logs")
			continue
		}
		gRegion, group := parts[3], parts[6]
		if g := a.Gap(gRegion, collect.TypeLogsMetricFilter); g != nil {
			missing("metric filters in " + gRegion + ": " + g.Reason())
		}
		failAt(2, gRegion, fmt.Sprintf("no metric filter on log group %s (trail %s) catches %s", group, t.name, m.what))
		for _, f := range a.ItemsIn(gRegion, collect.TypeLogsMetricFilter) {
			fc := f.Conf()
			if inventory.Str(fc, "logGroupName") != group {
				continue
			}
			if ok, why := cwCatches(inventory.Str(fc, "filterPattern"), m); !ok {
				failAt(2, gRegion, fmt.Sprintf("no metric filter on log group %s (trail %s) catches %s; filter %s %s",
					group, t.name, m.what, inventory.Str(fc, "filterName"), why))
				continue
			}
			if r, ok := cwAlarmChain(a, f, gRegion, failAt, missing); ok {
				r.Reason = fmt.Sprintf("trail %s delivers to log group %s, whose %s", t.name, group, r.Reason)
				return r
			}
		}
	}
	switch {
	case unknown != "":
		return compliance.AccountResult(region, alarmType, compliance.Error, "%s", unknown)
	case failStage == 0 && monFirstGap(a, collect.TypeCloudTrailTrail) != nil:
		return compliance.GapResult("", alarmType, monFirstGap(a, collect.TypeCloudTrailTrail))
	case failStage == 0:
		why := "the account has no CloudTrail trail"
		if len(problems) > 0 {
			why = strings.Join(problems, "; ")
		}
		return compliance.AccountResult("", alarmType, compliance.Fail,
			"no multi-region trail that is logging read and write management events delivers to CloudWatch Logs: %s", why)
	}
	return compliance.AccountResult(region, alarmType, compliance.Fail, "%s", fail)
}

// cwAlarmChain looks for an alarm on the metric of filter f that notifies
// a topic with a confirmed subscription.
func cwAlarmChain(a *compliance.Account, f *inventory.Item, region string, failAt func(int, string, string), missing func(string)) (compliance.Result, bool) {
	if g := a.Gap(region, collect.TypeCloudWatchAlarm); g != nil {
		missing("alarms in " + region + ": " + g.Reason())
	}
	fname := inventory.Str(f.Conf(), "filterName")
	for _, mt := range inventory.List(f.Conf(), "metricTransformations") {
		ns, metric := inventory.Str(mt, "metricNamespace"), inventory.Str(mt, "metricName")
		failAt(3, region, fmt.Sprintf("metric filter %s catches them, but no alarm watches its metric %s/%s", fname, ns, metric))
		for _, al := range a.ItemsIn(region, collect.TypeCloudWatchAlarm) {
			if !cwAlarmWatches(al.Conf(), ns, metric) {
				continue
			}
			if on, ok := inventory.Bool(al.Conf(), "actionsEnabled"); ok && !on {
				failAt(4, region, fmt.Sprintf("alarm %s watches metric %s/%s but its actions are disabled", al.ResourceID, ns, metric))
				continue
			}
			failAt(4, region, fmt.Sprintf("alarm %s watches metric %s/%s but notifies no SNS topic with a confirmed subscription", al.ResourceID, ns, metric))
			for _, action := range inventory.List(al.Conf(), "alarmActions") {
				topic := fmt.Sprint(action)
				if !strings.Contains(topic, ":sns:") {
					continue
				}
				n, why := snsConfirmed(a, topic)
				if why != "" {
					missing(why)
				}
				if n > 0 {
					return compliance.PassFor(al, "metric filter %s catches them and alarm %s notifies topic %s (%s)",
						fname, al.ResourceID, topic, monPlural(n, "confirmed subscription")), true
				}
			}
		}
	}
	return compliance.Result{}, false
}

// cwAlarmWatches reports whether an alarm's configuration watches metric
// ns/name, directly or in a metric-math query.
func cwAlarmWatches(c map[string]any, ns, name string) bool {
	if inventory.Str(c, "metricName") == name && inventory.Str(c, "namespace") == ns {
		return true
	}
	for _, q := range inventory.List(c, "metrics") {
		if inventory.Str(q, "metricStat", "metric", "metricName") == name && inventory.Str(q, "metricStat", "metric", "namespace") == ns {
			return true
		}
	}
	return false
}

// snsConfirmed counts the confirmed subscriptions of topic; why says why
// they are unknown.
func snsConfirmed(a *compliance.Account, topic string) (int, string) {
	parts := strings.Split(topic, ":")
	if len(parts) < 6 {
		return 0, ""
	}
	for _, it := range a.ItemsIn(parts[3], collect.TypeSNSTopic) {
		if it.ARN != topic && it.ResourceID != topic && inventory.Str(it.Conf(), "TopicArn") != topic {
			continue
		}
		subs, ok := inventory.Get(it.Supp(), "Subscriptions").([]any)
		if !ok {
			if n, ok := inventory.Int(it.Conf(), "SubscriptionsConfirmed"); ok {
				return int(n), ""
			}
			why := monItemError(it, "ListSubscriptionsByTopic")
			if why == "" {
				why = "subscriptions not recorded"
			}
			return 0, "SNS topic " + topic + ": " + why
		}
		n := 0
		for _, s := range subs {
			if arn := inventory.Str(s, "subscriptionArn"); strings.HasPrefix(arn, "arn:") {
				n++
			}
		}
		return n, ""
	}
	if g := a.Gap(parts[3], collect.TypeSNSTopic); g != nil {
		return 0, "SNS topics in " + parts[3] + ": " + g.Reason()
	}
	if parts[4] != a.ID {
		return 0, "SNS topic " + topic + " belongs to account " + parts[4] + "; its subscriptions cannot be verified"
	}
	return 0, ""
}
