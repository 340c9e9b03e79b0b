package collect

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// TypePasswordPolicy is the account password policy. Config does not
// record it; its configuration is the API's PasswordPolicy, or
// {"exists": false} when the account has none (NoSuchEntity).
const TypePasswordPolicy = "AWS::IAM::AccountPasswordPolicy"

func init() {
	inventory.Register(&inventory.Collector{
		Name:          "iam-password-policy",
		Global:        true,
		ResourceTypes: []string{TypePasswordPolicy},
		Permissions:   []string{"iam:GetAccountPasswordPolicy"},
		Collect:       collectPasswordPolicy,
	})
}

func collectPasswordPolicy(ctx context.Context, s *inventory.Scope) ([]*inventory.Item, error) {
	out, err := inventory.Call(ctx, s, inventory.Op{Service: "iam", Operation: "get-account-password-policy"},
		func(ctx context.Context) (*iam.GetAccountPasswordPolicyOutput, error) {
			return iam.NewFromConfig(s.AWS).GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
		})
	var conf any
	switch {
	case inventory.IsCode(err, "NoSuchEntity"):
		conf = map[string]any{"exists": false}
	case err != nil:
		s.Gap(TypePasswordPolicy, err)
		return nil, nil
	default:
		m := inventory.ConfigJSON(out.PasswordPolicy)
		conf = append([]byte(`{"exists":true,`), m[1:]...)
		if string(m) == "{}" {
			conf = []byte(`{"exists":true}`)
		}
	}
	it := s.NewItem(TypePasswordPolicy, s.Account, "password-policy", "", conf)
	return []*inventory.Item{it}, nil
}
