package collect

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeKMSKey is a KMS key, in AWS Config's shape for AWS::KMS::Key:
// configuration is DescribeKey's KeyMetadata (keyId, arn, keyManager
// AWS or CUSTOMER, keyState, keySpec, keyUsage, origin, enabled,
// multiRegion, creationDate, …); supplementaryConfiguration holds Policy
// (the default key policy, a JSON string as GetKeyPolicy returns it) and
// KeyRotationStatus (GetKeyRotationStatus' boolean, only for the keys that
// can rotate: customer managed, symmetric, key material from KMS, not
// pending deletion).
const TypeKMSKey = "AWS::KMS::Key"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "kms",
		ResourceTypes: []string{TypeKMSKey},
		Permissions:   []string{"kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:GetKeyPolicy"},
		Collect:       collectKeys,
	})
}

func collectKeys(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	c := kms.NewFromConfig(s.AWS)
	list, err := inventory.Call(ctx, s, inventory.Op{Service: "kms", Operation: "list-keys"},
		func(ctx context.Context) (*kms.ListKeysOutput, error) {
			out := &kms.ListKeysOutput{}
			p := kms.NewListKeysPaginator(c, &kms.ListKeysInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				out.Keys = append(out.Keys, page.Keys...)
			}
			return out, nil
		})
	if err != nil {
		s.Gap(TypeKMSKey, err)
		return nil, nil
	}
	items := make([]*inventory.Item, len(list.Keys))
	for i, k := range list.Keys {
		id := aws.ToString(k.KeyId)
		items[i] = s.NewItem(TypeKMSKey, id, id, aws.ToString(k.KeyArn), map[string]any{"keyId": id, "arn": aws.ToString(k.KeyArn)})
	}
	err = inventory.ForEach(ctx, s, items, func(ctx context.Context, it *inventory.Item) error {
		describeKey(ctx, s, c, it)
		return nil
	})
	return items, err
}

// describeKey adds a key's metadata, policy and rotation status to its
// item; a failed call is recorded on the item.
func describeKey(ctx context.Context, s *inventory.Scope, c *kms.Client, it *inventory.Item) {
	id := it.ResourceID
	it.SupplementaryConfiguration = map[string]json.RawMessage{}
	d, err := inventory.Call(ctx, s, inventory.Op{Service: "kms", Operation: "describe-key", Resource: id},
		func(ctx context.Context) (*kms.DescribeKeyOutput, error) {
			return c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
		})
	if err != nil {
		noteCallError(it, err)
	} else if d.KeyMetadata != nil {
		it.Configuration = inventory.ConfigJSON(d.KeyMetadata)
		if kmsRotatable(d.KeyMetadata) {
			rot, err := inventory.Call(ctx, s, inventory.Op{Service: "kms", Operation: "get-key-rotation-status", Resource: id},
				func(ctx context.Context) (*kms.GetKeyRotationStatusOutput, error) {
					return c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(id)})
				})
			if err != nil {
				noteCallError(it, err)
			} else {
				it.SupplementaryConfiguration["KeyRotationStatus"], _ = json.Marshal(rot.KeyRotationEnabled)
			}
		}
	}
	pol, err := inventory.Call(ctx, s, inventory.Op{Service: "kms", Operation: "get-key-policy", Resource: id},
		func(ctx context.Context) (*kms.GetKeyPolicyOutput, error) {
			return c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
		})
	if err != nil {
		noteCallError(it, err)
	} else {
		it.SupplementaryConfiguration["Policy"], _ = json.Marshal(aws.ToString(pol.Policy))
	}
}

// kmsRotatable reports whether KMS can rotate the key automatically (and so
// answers GetKeyRotationStatus).
func kmsRotatable(m *kmstypes.KeyMetadata) bool {
	return m.KeyManager == kmstypes.KeyManagerTypeCustomer &&
		m.KeySpec == kmstypes.KeySpecSymmetricDefault &&
		m.Origin == kmstypes.OriginTypeAwsKms &&
		m.KeyState != kmstypes.KeyStatePendingDeletion && m.KeyState != kmstypes.KeyStatePendingReplicaDeletion
}
