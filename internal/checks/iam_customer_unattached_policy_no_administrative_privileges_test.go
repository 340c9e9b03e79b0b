package checks

import (
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCustomerUnattachedPolicyNoAdministrativePrivileges(t *testing.T) {
	const acct = "arn:aws:iam::" + testAccount + ":policy/"
	runCases(t, "iam_customer_unattached_policy_no_administrative_privileges", []checkCase{
		{"policies", []*inventory.Item{
			iamPolicyItem("spare", acct+"spare", 0, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","*"],"Resource":["arn:aws:s3:::x","*"]}]}`),
			iamPolicyItem("narrow", acct+"narrow", 0, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::x/*"}]}`),
			iamPolicyItem("used", acct+"used", 0, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
			iamPrincipal(collect.TypeIAMUser, "alice", acct+"used"),
		}, []want{
			{compliance.Pass, "ANPANARROW", "grants no full administrative privileges"},
			{compliance.Fail, "ANPASPARE", `allows Action "*" on every resource`},
		}},
		{"API spelling", []*inventory.Item{iamAt(collect.TypeIAMPolicy, "ANPAOLD", acct+"old",
			`{"PolicyName":"old","AttachmentCount":0,"PolicyVersionList":[{"VersionId":"v1","IsDefaultVersion":true,"Document":"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"}]}`, nil)},
			[]want{{compliance.Fail, "ANPAOLD", "policy old allows"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeIAMPolicy, "global", "iam:GetAccountAuthorizationDetails", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission"}}},
		{"none", nil, []want{{compliance.NotApplicable, "", "no unattached customer managed policies"}}},
	})
}
