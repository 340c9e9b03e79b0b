package collect

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeSNSTopic is an SNS topic, in AWS Config's shape for AWS::SNS::Topic:
// configuration is GetTopicAttributes' attribute map, keys as the API
// spells them (TopicArn, Owner, Policy, DisplayName, KmsMasterKeyId,
// SubscriptionsConfirmed, …); supplementaryConfiguration.Subscriptions is
// ListSubscriptionsByTopic's list (subscriptionArn, protocol, endpoint,
// owner; subscriptionArn is "PendingConfirmation" until the endpoint
// confirms).
const TypeSNSTopic = "AWS::SNS::Topic"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "sns",
		ResourceTypes: []string{TypeSNSTopic},
		Permissions:   []string{"sns:ListTopics", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"},
		Collect:       collectTopics,
	})
}

func collectTopics(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := sns.NewFromConfig(s.AWS)
	list, err := inventory.Call(ctx, s, inventory.Op{Service: "sns", Operation: "list-topics"},
		func(ctx context.Context) (*sns.ListTopicsOutput, error) {
			out := &sns.ListTopicsOutput{}
			p := sns.NewListTopicsPaginator(c, &sns.ListTopicsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				out.Topics = append(out.Topics, page.Topics...)
			}
			return out, nil
		})
	if err != nil {
		s.Gap(TypeSNSTopic, err)
		return nil, nil
	}
	items := make([]*inventory.Item, len(list.Topics))
	for i, t := range list.Topics {
		arn := aws.ToString(t.TopicArn)
		items[i] = s.NewItem(TypeSNSTopic, arn, arn[strings.LastIndexByte(arn, ':')+1:], arn, map[string]any{"TopicArn": arn})
	}
	err = inventory.ForEach(ctx, s, items, func(ctx context.Context, it *inventory.Item) error {
		describeTopic(ctx, s, c, it)
		return nil
	})
	return items, err
}

// describeTopic adds a topic's attributes and subscriptions to its item; a
// failed call is recorded on the item.
func describeTopic(ctx context.Context, s *inventory.Scope, c *sns.Client, it *inventory.Item) {
	arn := it.ARN
	attrs, err := inventory.Call(ctx, s, inventory.Op{Service: "sns", Operation: "get-topic-attributes", Resource: arn},
		func(ctx context.Context) (*sns.GetTopicAttributesOutput, error) {
			return c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
		})
	if err != nil {
		noteCallError(it, err)
	} else {
		it.Configuration = inventory.ConfigJSON(attrs.Attributes)
	}
	subs, err := inventory.Call(ctx, s, inventory.Op{Service: "sns", Operation: "list-subscriptions-by-topic", Resource: arn},
		func(ctx context.Context) (*sns.ListSubscriptionsByTopicOutput, error) {
			out := &sns.ListSubscriptionsByTopicOutput{}
			p := sns.NewListSubscriptionsByTopicPaginator(c, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				out.Subscriptions = append(out.Subscriptions, page.Subscriptions...)
			}
			return out, nil
		})
	if err != nil {
		noteCallError(it, err)
		return
	}
	it.SupplementaryConfiguration = map[string]json.RawMessage{"Subscriptions": configList(subs.Subscriptions)}
}
