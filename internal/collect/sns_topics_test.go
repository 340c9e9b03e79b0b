package collect_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/collect/collecttest"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestSNSCollector(t *testing.T) {
	t.Parallel() // each test has a moto of its own
	env := collecttest.New(t)
	ctx := t.Context()
	c := sns.NewFromConfig(env.Config)
	// 101 topics: moto answers ListTopics 100 at a time.
	for i := range 101 {
		if _, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(fmt.Sprintf("topic-%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	alerts, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts"), Attributes: map[string]string{"DisplayName": "Alerts"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"soc", "oncall"} {
		_, err := c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: alerts.TopicArn, Protocol: aws.String("sqs"),
			Endpoint: aws.String("arn:aws:sqs:us-east-1:123456789012:" + q)})
		if err != nil {
			t.Fatal(err)
		}
	}

	snap := env.Collect(t, []string{"us-east-1"}, "sns")
	assertCallsDeclared(t, snap, "sns")
	items := collecttest.Of(snap, collect.TypeSNSTopic)
	if len(items) != 102 {
		t.Fatalf("%d topics, want 102 (two ListTopics pages)", len(items))
	}
	if env.Proxy.Calls("ListTopics") != 2 || snap.Calls["sns:ListTopics"] != 1 {
		t.Errorf("ListTopics: %d requests, %d recorded calls; want 2 pages merged into 1 call", env.Proxy.Calls("ListTopics"), snap.Calls["sns:ListTopics"])
	}
	var it *inventory.Item
	for _, x := range items {
		if x.ARN == aws.ToString(alerts.TopicArn) {
			it = x
		}
	}
	if it == nil || it.ResourceID != it.ARN || it.ResourceName != "alerts" || len(it.Errors) > 0 {
		t.Fatalf("alerts topic %+v", it)
	}
	if inventory.Str(it.Conf(), "TopicArn") != it.ARN || inventory.Str(it.Conf(), "DisplayName") != "Alerts" {
		t.Errorf("attributes %s", it.Configuration)
	}
	subs := inventory.List(it.Supp(), "Subscriptions")
	if len(subs) != 2 || inventory.Str(subs[0], "protocol") != "sqs" {
		t.Errorf("subscriptions %s", it.SupplementaryConfiguration["Subscriptions"])
	}

	// Denied subscriptions: topics kept, each with the error.
	env.Proxy.Fail("ListSubscriptionsByTopic", "AuthorizationError", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "sns")
	items = collecttest.Of(snap, collect.TypeSNSTopic)
	if len(items) != 102 || len(items[0].Errors) != 1 || items[0].Errors[0].Permission != "sns:ListSubscriptionsByTopic" || !items[0].Errors[0].Denied() {
		t.Fatalf("denied subscriptions: %d topics, first %+v", len(items), items[0])
	}
	if _, ok := items[0].Supp()["Subscriptions"]; ok {
		t.Errorf("subscriptions recorded despite the error")
	}

	env.Proxy.Fail("ListTopics", "AuthorizationError", http.StatusForbidden, -1)
	snap = env.Collect(t, []string{"us-east-1"}, "sns")
	if gaps := collecttest.Gaps(snap); len(collecttest.Of(snap, collect.TypeSNSTopic)) != 0 || len(gaps) != 1 || gaps[0].Errors[0].Permission != "sns:ListTopics" {
		t.Fatalf("denied listing: gaps %+v", gaps)
	}
}
