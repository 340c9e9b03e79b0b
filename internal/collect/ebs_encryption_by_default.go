package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypeEBSDefaultEncryption is a region's EBS encryption-by-default
// setting, one item per region (resourceId: the account id). Config does
// not record it; its configuration is {"ebsEncryptionByDefault": bool},
// the answer of ec2:GetEbsEncryptionByDefault.
const TypeEBSDefaultEncryption = "AWS::EC2::EBSEncryptionByDefault"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "ebs-encryption-by-default",
		ResourceTypes: []string{TypeEBSDefaultEncryption},
		Permissions:   []string{"ec2:GetEbsEncryptionByDefault"},
		Collect:       collectEBSDefaultEncryption,
	})
}

func collectEBSDefaultEncryption(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "ec2", Operation: "get-ebs-encryption-by-default"},
		func(ctx context.Context) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
			return ec2.NewFromConfig(s.AWS).GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
		})
	if err != nil {
		s.Gap(TypeEBSDefaultEncryption, err)
		return nil, nil
	}
	conf := map[string]any{"ebsEncryptionByDefault": aws.ToBool(out.EbsEncryptionByDefault)}
	it := s.NewItem(TypeEBSDefaultEncryption, s.Account, "ebs-encryption-by-default", "", conf)
	return []*inventory.Item{it}, nil
}
