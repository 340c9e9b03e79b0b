package checks

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/inventory"
)

// iamNow is the capture time of the IAM test items.
var iamNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// iamDaysAgo renders the time n days before iamNow as IAM does.
func iamDaysAgo(n int) string { return iamNow.AddDate(0, 0, -n).Format(time.RFC3339) }

// iamAt builds an item captured at iamNow, with an ARN and
// supplementaryConfiguration (key → JSON) when given.
func iamAt(resourceType, id, arn, configuration string, supp map[string]string) *inventory.Item {
	it := item(resourceType, "global", id, configuration)
	it.CaptureTime, it.ARN = iamNow, arn
	if len(supp) > 0 {
		it.SupplementaryConfiguration = map[string]json.RawMessage{}
		for k, v := range supp {
			if !json.Valid([]byte(v)) {
				panic("bad test supplementary configuration: " + v)
			}
			it.SupplementaryConfiguration[k] = json.RawMessage(v)
		}
	}
	return it
}

// iamDelivered decodes a whole configuration item as AWS Config delivers
// it (ARN, awsAccountId, configurationItemVersion, configuration given as
// a string …).
func iamDelivered(ci string) *inventory.Item {
	var it inventory.Item
	if err := json.Unmarshal([]byte(ci), &it); err != nil {
		panic("bad test configuration item: " + err.Error())
	}
	return &it
}

// iamWithErrors adds collection errors to it.
func iamWithErrors(it *inventory.Item, errs ...inventory.CallError) *inventory.Item {
	it.Errors = append(it.Errors, errs...)
	return it
}

// iamRow is a credential report row of user with defaults (no password,
// no MFA, no keys, never used) overridden by column, value pairs.
func iamRow(user string, kv ...string) string {
	arn := "arn:aws:iam::" + testAccount + ":user/" + user
	if user == "<root_account>" {
		arn = "arn:aws:iam::" + testAccount + ":root"
	}
	row := map[string]string{
		"user": user, "arn": arn, "user_creation_time": iamDaysAgo(400),
		"password_enabled": "false", "password_last_used": "N/A", "password_last_changed": "N/A",
		"mfa_active":          "false",
		"access_key_1_active": "false", "access_key_1_last_rotated": "N/A", "access_key_1_last_used_date": "N/A",
		"access_key_2_active": "false", "access_key_2_last_rotated": "N/A", "access_key_2_last_used_date": "N/A",
	}
	if user == "<root_account>" {
		row["password_enabled"], row["password_last_used"] = "not_supported", "no_information"
	}
	for i := 0; i+1 < len(kv); i += 2 {
		row[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(row)
	return string(b)
}

// iamReport is a credential report item with rows (JSON objects).
func iamReport(rows ...string) *inventory.Item {
	conf := `{"generatedTime":"` + iamNow.Add(-time.Hour).Format(time.RFC3339) + `","rows":[` + strings.Join(rows, ",") + `]}`
	return iamAt(collect.TypeCredentialReport, testAccount, "", conf, nil)
}

// iamSummary is an account summary item.
func iamSummary(conf string, supp map[string]string) *inventory.Item {
	return iamAt(collect.TypeAccountSummary, testAccount, "", conf, supp)
}

// iamUser is a Vigil-collected user item (resourceId AIDA<NAME>) with
// supplementaryConfiguration.
func iamUserItem(name, extra string, supp map[string]string) *inventory.Item {
	id := "AIDA" + strings.ToUpper(name)
	arn := "arn:aws:iam::" + testAccount + ":user/" + name
	conf := `{"userName":"` + name + `","userId":"` + id + `","arn":"` + arn + `","path":"/","createDate":"` + iamDaysAgo(400) + `"` + extra + `}`
	return iamAt(collect.TypeIAMUser, id, arn, conf, supp)
}

// iamConfigUser is a user item as AWS Config delivers it: ARN in capitals,
// no supplementaryConfiguration, policy documents in a one-element array.
func iamConfigUser(name, extra string) *inventory.Item {
	id := "AIDA" + strings.ToUpper(name)
	arn := "arn:aws:iam::" + testAccount + ":user/" + name
	return iamDelivered(`{"configurationItemVersion":"1.3","awsAccountId":"` + testAccount + `","configurationItemCaptureTime":"2026-11-01T12:00:00.000Z",
		"configurationItemStatus":"OK","ARN":"` + arn + `","resourceType":"AWS::IAM::User","resourceId":"` + id + `","resourceName":"` + name + `",
		"awsRegion":"global","availabilityZone":"Not Applicable","tags":{},"relationships":[],"supplementaryConfiguration":{},
		"configuration":{"path":"/","userName":"` + name + `","userId":"` + id + `","arn":"` + arn + `","createDate":"2016-09-22T05:55:07.000Z"` + extra + `}}`)
}

// iamPolicyItem is a managed policy item whose default version has doc.
func iamPolicyItem(name, arn string, attachments int, doc string) *inventory.Item {
	conf := `{"policyName":"` + name + `","arn":"` + arn + `","defaultVersionId":"v2","attachmentCount":` + strconv.Itoa(attachments) +
		`,"policyVersionList":[{"versionId":"v1","isDefaultVersion":false,"document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}},` +
		`{"versionId":"v2","isDefaultVersion":true,"document":` + doc + `}]}`
	return iamAt(collect.TypeIAMPolicy, "ANPA"+strings.ToUpper(name), arn, conf, nil)
}

// iamPrincipal is a group or role item (typ) with attached managed
// policies given as ARNs.
func iamPrincipal(typ, name string, policyARNs ...string) *inventory.Item {
	key := map[string]string{collect.TypeIAMGroup: "groupName", collect.TypeIAMRole: "roleName", collect.TypeIAMUser: "userName"}[typ]
	var att []string
	for _, arn := range policyARNs {
		att = append(att, `{"policyName":"`+arn[strings.LastIndexByte(arn, '/')+1:]+`","policyArn":"`+arn+`"}`)
	}
	conf := `{"` + key + `":"` + name + `","attachedManagedPolicies":[` + strings.Join(att, ",") + `]}`
	return iamAt(typ, strings.ToUpper(name), "", conf, nil)
}
