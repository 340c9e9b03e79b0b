package checks

import (
	"strings"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func init() {
	compliance.Register(&compliance.Check{
		ID:    "iam_policy_cloudshell_admin_not_attached",
		Title: "AWSCloudShellFullAccess is attached to no user, group or role",
		Description: "AWSCloudShellFullAccess gives a shell with file upload and download and unrestricted internet egress, a path to move " +
			"data out of the account; CIS asks to restrict it.",
		Service:      "iam",
		Severity:     compliance.Medium,
		ResourceType: collect.TypeIAMPolicy,
		Remediation:  "aws iam detach-user-policy / detach-group-policy / detach-role-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess; grant a narrower CloudShell policy if needed.",
		Eval: func(a *compliance.Account) []compliance.Result {
			attachments, errs := iamAttachments(a)
			if errs != nil {
				return errs
			}
			const arn = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
			var r compliance.Result
			if who := iamAttachedAWSPolicy(attachments, "AWSCloudShellFullAccess"); len(who) > 0 {
				r = compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMPolicy, compliance.Fail, "AWSCloudShellFullAccess is attached to %s", strings.Join(who, ", "))
			} else {
				r = compliance.AccountResult(inventory.GlobalRegion, collect.TypeIAMPolicy, compliance.Pass, "AWSCloudShellFullAccess is attached to no user, group or role")
			}
			r.ResourceID, r.ResourceARN = arn, arn
			return []compliance.Result{r}
		},
	})
}
