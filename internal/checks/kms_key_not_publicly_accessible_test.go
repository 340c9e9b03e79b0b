package checks

import (
	"encoding/json"
	"testing"

	"github.com/vigil-sec/vigil/internal/collect"
	"github.com/vigil-sec/vigil/internal/compliance"
	"github.com/vigil-sec/vigil/internal/inventory"
)

func TestKMSKeyNotPubliclyAccessible(t *testing.T) {
	const typ = collect.TypeKMSKey
	key := func(id, policy string) *inventory.Item {
		p, _ := json.Marshal(policy)
		return withSupp(item(typ, "us-east-1", id, `{"keyId":"`+id+`","keyManager":"CUSTOMER","keyState":"Enabled"}`), `{"Policy":`+string(p)+`}`)
	}
	const (
		owner   = `{"Version":"2012-10-17","Statement":[{"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
		public  = `{"Statement":[{"Sid":"open","Effect":"Allow","Principal":{"AWS":["*"]},"Action":"kms:Decrypt","Resource":"*"}]}`
		star    = `{"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEquals":{"kms:CallerAccount":"999999999999"}}}}`
		limited = `{"Statement":[{"Sid":"org","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}`
		deny    = `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}]}`
	)
	runCases(t, "kms_key_not_publicly_accessible", []checkCase{
		{"owner-only policy passes", []*inventory.Item{key("k1", owner)}, []want{{compliance.Pass, "k1", "no unrestricted access"}}},
		{"condition on the organization passes", []*inventory.Item{key("k1", limited)}, []want{{compliance.Pass, "k1", ""}}},
		{"Deny statement passes", []*inventory.Item{key("k1", deny)}, []want{{compliance.Pass, "k1", ""}}},
		{"AWS * fails", []*inventory.Item{key("k1", public)}, []want{{compliance.Fail, "k1", "statement open"}}},
		{"negated condition does not restrict", []*inventory.Item{key("k1", star)}, []want{{compliance.Fail, "k1", "statement #1"}}},
		{"policy denied is an error", []*inventory.Item{withErrors(item(typ, "us-east-1", "k1", `{"keyManager":"CUSTOMER","keyState":"Enabled"}`), "kms:GetKeyPolicy", "AccessDeniedException")},
			[]want{{compliance.Error, "k1", "missing permission kms:GetKeyPolicy"}}},
		{"listing denied is an error", []*inventory.Item{gap(typ, "us-east-1", "kms:ListKeys", "AccessDeniedException")},
			[]want{{compliance.Error, "", "missing permission kms:ListKeys"}}},
	})
}

// kmsConfigSample is AWS Config's example configuration item of a KMS
// key (from awslabs/aws-config-rdk, rdk/template/example_ci, Apache-2.0):
// an AWS-managed key whose policy allows Principal "*" only with
// kms:CallerAccount and kms:ViaService conditions.
const kmsConfigSample = `{
    "version": "1.3",
    "accountId": "123456789012",
    "configurationItemCaptureTime": "2021-09-29T23:33:38.881Z",
    "configurationItemStatus": "OK",
    "configurationStateId": "1632958418881",
    "configurationItemMD5Hash": "",
    "arn": "arn:aws:kms:us-east-1:123456789012:key/test",
    "resourceType": "AWS::KMS::Key",
    "resourceId": "test",
    "awsRegion": "us-east-1",
    "availabilityZone": "Not Applicable",
    "resourceCreationTime": "2021-05-14T20:42:04.302Z",
    "tags": {},
    "relatedEvents": [],
    "relationships": [],
    "configuration": {
      "keyId": "test",
      "arn": "arn:aws:kms:us-east-1:123456789012:key/123456789012",
      "creationDate": 1621024924302,
      "enabled": true,
      "description": "Default master key that protects my Lambda functions when no other key is defined",
      "keyUsage": "ENCRYPT_DECRYPT",
      "keyState": "Enabled",
      "origin": "AWS_KMS",
      "keyManager": "AWS",
      "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
      "keySpec": "SYMMETRIC_DEFAULT",
      "encryptionAlgorithms": [
        "SYMMETRIC_DEFAULT"
      ],
      "signingAlgorithms": [],
      "multiRegion": false,
      "awsaccountId": "123456789012"
    },
    "supplementaryConfiguration": {
      "Policy": "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"auto-awslambda\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Allow access through AWS Lambda for all principals in the account that are authorized to use AWS Lambda\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"*\"\n    },\n    \"Action\" : [ \"kms:Encrypt\", \"kms:Decrypt\", \"kms:ReEncrypt*\", \"kms:GenerateDataKey*\", \"kms:CreateGrant\", \"kms:DescribeKey\" ],\n    \"Resource\" : \"*\",\n    \"Condition\" : {\n      \"StringEquals\" : {\n        \"kms:CallerAccount\" : \"123456789012\",\n        \"kms:ViaService\" : \"lambda.us-east-1.amazonaws.com\"\n      }\n    }\n  }, {\n    \"Sid\" : \"Allow direct access to key metadata to the account\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::123456789012:root\"\n    },\n    \"Action\" : [ \"kms:Describe*\", \"kms:Get*\", \"kms:List*\", \"kms:RevokeGrant\" ],\n    \"Resource\" : \"*\"\n  } ]\n}"
    },
    "resourceTransitionStatus": "None"
  }`

// TestKMSKeyConfigSample runs the check over Config's own item.
func TestKMSKeyConfigSample(t *testing.T) {
	var it inventory.Item
	if err := json.Unmarshal([]byte(kmsConfigSample), &it); err != nil {
		t.Fatal(err)
	}
	if sid, public := kmsPublicStatement(inventory.PolicyDoc(it.Supp()["Policy"])); public {
		t.Errorf("Config sample's policy judged public (statement %s)", sid)
	}
	// Made customer managed, it is evaluated and passes.
	it.Configuration = json.RawMessage(`{"keyId":"test","keyManager":"CUSTOMER","keyState":"Enabled"}`)
	runCases(t, "kms_key_not_publicly_accessible", []checkCase{{"Config sample", []*inventory.Item{&it}, []want{{compliance.Pass, "test", ""}}}})
}
