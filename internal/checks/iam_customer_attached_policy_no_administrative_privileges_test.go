package checks

import (
	"net/url"
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestCustomerAttachedPolicyNoAdministrativePrivileges(t *testing.T) {
	const acct = "arn:aws:iam::" + testAccount + ":policy/"
	// AWS Config delivers documents URL-encoded inside a JSON string.
	encoded := url.QueryEscape(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["*:*"],"NotResource":"arn:aws:s3:::audit-logs/*"}}`)
	delivered := iamDelivered(`{"configurationItemVersion":"1.3","awsAccountId":"` + testAccount + `","configurationItemCaptureTime":"2026-11-01T12:00:00Z",
		"configurationItemStatus":"OK","ARN":"` + acct + `sneaky","resourceType":"AWS::IAM::Policy","resourceId":"ANPASNEAKY","resourceName":"sneaky","awsRegion":"global",
		"configuration":{"policyName":"sneaky","policyId":"ANPASNEAKY","arn":"` + acct + `sneaky","defaultVersionId":"v1","attachmentCount":2,
		"policyVersionList":[{"document":"` + encoded + `","versionId":"v1","isDefaultVersion":true}]}}`)
	// The shape of Config's example item: the document wrapped in an array.
	elb := iamDelivered(`{"version":"1.2","accountId":"` + testAccount + `","configurationItemCaptureTime":"2016-09-24T17:32:17.358Z","configurationItemStatus":"OK",
		"arn":"` + acct + `ELB-policy","resourceType":"AWS::IAM::Policy","resourceId":"ANPAELB","resourceName":"ELB-policy","awsRegion":"global",
		"configuration":{"policyName":"ELB-policy","arn":"` + acct + `ELB-policy","defaultVersionId":"v1","attachmentCount":4,
		"policyVersionList":[{"document":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["elasticloadbalancing:Describe*"],"Resource":["*"]}]}],"versionId":"v1","isDefaultVersion":true}]}}`)
	runCases(t, "iam_customer_attached_policy_no_administrative_privileges", []checkCase{
		{"Vigil policies", []*inventory.Item{
			iamPolicyItem("ops", acct+"ops", 1, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*"}]}`),
			iamPolicyItem("god", acct+"god", 1, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"*"}]}`),
			iamPolicyItem("spare", acct+"spare", 0, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
			iamPolicyItem("aws", "arn:aws:iam::aws:policy/AdministratorAccess", 1, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
			iamPrincipal(collect.TypeIAMRole, "ops", acct+"ops"),
		}, []want{
			{compliance.Fail, "ANPAGOD", "allows every action except s3:DeleteBucket (NotAction) on every resource, IAM included"},
			{compliance.Pass, "ANPAOPS", "policy ops (attached to role ops) grants no full administrative privileges"},
		}},
		{"Config's delivered policies", []*inventory.Item{delivered, elb}, []want{
			{compliance.Pass, "ANPAELB", "ELB-policy grants no"},
			{compliance.Fail, "ANPASNEAKY", `policy sneaky allows Action "*:*" on every resource`},
		}},
		{"missing document is an error", []*inventory.Item{iamAt(collect.TypeIAMPolicy, "ANPAX", acct+"x", `{"policyName":"x","attachmentCount":1}`, nil)},
			[]want{{compliance.Error, "ANPAX", "default version's document is not in the configuration item"}}},
		{"denied is an error", []*inventory.Item{gap(collect.TypeIAMRole, "global", "iam:GetAccountAuthorizationDetails", "AccessDenied")},
			[]want{{compliance.Error, "", "missing permission iam:GetAccountAuthorizationDetails"}}},
	})
}
