package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_support_role_created",
		Title: "A role with AWSSupportAccess exists to manage incidents with AWS Support",
		Description: "A dedicated role with the AWSSupportAccess managed policy lets authorised people open and follow AWS Support cases " +
			"without broader rights. CIS asks for a role; the policy attached only to users or groups does not count.",
		Service:      "iam",
		Severity:     compliance.Low,
		ResourceType: collect.TypeIAMRole,
		Remediation:  "aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json && aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
		Eval: func(a *compliance.Account) []compliance.Result {
			attachments, errs := iamAttachments(a)
			if errs != nil {
				return errs
			}
			var roles, others []string
			for _, who := range iamAttachedAWSPolicy(attachments, "AWSSupportAccess") {
				if strings.HasPrefix(who, "role ") {
					roles = append(roles, who)
				} else {
					others = append(others, who)
				}
			}
			switch {
			case len(roles) > 0:
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMRole, compliance.Pass, "AWSSupportAccess is attached to %s", strings.Join(roles, ", "))}
			case len(others) > 0:
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMRole, compliance.Fail, "AWSSupportAccess is attached only to %s, not to a role", strings.Join(others, ", "))}
			}
			return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMRole, compliance.Fail, "no role has the AWSSupportAccess policy attached")}
		},
	})
}
