package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_policy_attached_only_to_group_or_roles",
		Title: "IAM users receive permissions only through groups",
		Description: "Policies attached to users one by one drift apart and are hard to review; granting through groups (or roles) keeps " +
			"permissions in few places. A user with an inline policy or an attached managed policy fails.",
		Service:      "iam",
		Severity:     compliance.Low,
		ResourceType: collect.TypeIAMUser,
		Remediation:  "Put the user in a group carrying the policy, then aws iam detach-user-policy / delete-user-policy for each policy on the user.",
		Eval: func(a *compliance.Account) []compliance.Result {
			if g := a.Gap("", collect.TypeIAMUser); g != nil {
				return []compliance.Result{compliance.GapResult(inventory.GlobalRegion, collect.TypeIAMUser, g)}
			}
			users := a.Items(collect.TypeIAMUser)
			if len(users) == 0 {
				return []compliance.Result{compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMUser, compliance.NotApplicable, "the account has no IAM users")}
			}
			var out []compliance.Result
			for _, u := range users {
				var direct []string
				for _, p := range inventory.List(u.Conf(), "userPolicyList") {
					direct = append(direct, "inline "+inventory.Str(p, "policyName"))
				}
				for _, p := range inventory.List(u.Conf(), "attachedManagedPolicies") {
					direct = append(direct, "managed "+inventory.Str(p, "policyName"))
				}
				if len(direct) > 0 {
					out = append(out, compliance.FailFor(u, "user %s has policies of its own: %s", iamName(u, "userName"), strings.Join(direct, ", ")))
				} else {
					out = append(out, compliance.PassFor(u, "user %s has no inline or attached policies", iamName(u, "userName")))
				}
			}
			return out
		},
	})
}
