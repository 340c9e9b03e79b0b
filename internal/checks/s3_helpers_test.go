package checks

import (
	"encoding/json"
	"testing"

	"github.com/vigil-sec/vigil/internal/inventory"
)

// s3Bucket builds a bucket item as Vigil collects it: supplementary keys
// given as JSON, and the permissions whose calls failed (AccessDenied).
func s3Bucket(name, region string, supp map[string]string, denied ...string) *inventory.Item {
	it := item(s3TypeBucket, region, name, `{"name":"`+name+`","owner":{"id":"abc"},"creationDate":"2025-01-02T03:04:05.000Z"}`)
	it.ARN = "arn:aws:s3:::" + name
	it.SupplementaryConfiguration = map[string]json.RawMessage{}
	for k, v := range supp {
		if !json.Valid([]byte(v)) {
			panic("bad test supplementary configuration " + k + ": " + v)
		}
		it.SupplementaryConfiguration[k] = json.RawMessage(v)
	}
	for _, p := range denied {
		it.Errors = append(it.Errors, inventory.CallError{Permission: p, Code: "AccessDenied", Resource: name, Region: region})
	}
	return it
}

// s3Delivered decodes a configuration item as AWS Config delivers it.
func s3Delivered(ci string) *inventory.Item {
	var it inventory.Item
	if err := json.Unmarshal([]byte(ci), &it); err != nil {
		panic("bad test configuration item: " + err.Error())
	}
	return &it
}

// s3Policy renders a bucket policy statement list as the BucketPolicy key.
func s3Policy(statements string) string {
	doc := `{"Version":"2012-10-17","Statement":` + statements + `}`
	b, _ := json.Marshal(map[string]string{"policyText": doc})
	return string(b)
}

// s3ACLString renders Config's AccessControlList JSON string with the
// owner's full control plus the given grants (JSON objects).
func s3ACLString(grants ...string) string {
	list := `{"grantee":{"id":"abc","displayName":null},"permission":"FullControl"}`
	for _, g := range grants {
		list += "," + g
	}
	b, _ := json.Marshal(`{"grantSet":null,"grantList":[` + list + `],"owner":{"displayName":null,"id":"abc"},"isRequesterCharged":false}`)
	return string(b)
}

// s3AccountBlockItem is the account-level public access block.
func s3AccountBlockItem(conf string) *inventory.Item {
	return item(s3TypeAccountBlock, "us-east-1", testAccount, conf)
}

const (
	s3AllBlocked  = `{"blockPublicAcls":true,"ignorePublicAcls":true,"blockPublicPolicy":true,"restrictPublicBuckets":true}`
	s3NoneBlocked = `{"blockPublicAcls":false,"ignorePublicAcls":false,"blockPublicPolicy":false,"restrictPublicBuckets":false}`
)

// s3ConfigSample is an S3 bucket CI in Config's delivery spelling
// (configurationItemVersion, awsAccountId, ARN, the ACL as a string,
// configurationStateId as a number), after the aws-config-rdk example.
const s3ConfigSample = `{
  "configuration": {"name": "delivered-bucket", "owner": {"displayName": null, "id": "8ac8"}, "creationDate": "2019-02-12T07:21:45.000Z"},
  "supplementaryConfiguration": {
    "AccessControlList": "{\"grantSet\":null,\"grantList\":[{\"grantee\":{\"id\":\"8ac8\",\"displayName\":null},\"permission\":\"FullControl\"},{\"grantee\":\"AllUsers\",\"permission\":\"Read\"}],\"owner\":{\"displayName\":null,\"id\":\"8ac8\"},\"isRequesterCharged\":false}",
    "BucketAccelerateConfiguration": {"status": null},
    "BucketLoggingConfiguration": {"destinationBucketName": null, "logFilePrefix": null},
    "BucketNotificationConfiguration": {"configurations": {}},
    "BucketPolicy": {"policyText": "{\"Version\":\"2012-10-17\",\"Id\":\"Policy1478390053757\",\"Statement\":[{\"Sid\":\"Stmt1478389920384\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::delivered-bucket\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"},
    "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": null},
    "IsRequesterPaysEnabled": false
  },
  "tags": {},
  "configurationItemVersion": "1.3",
  "configurationItemCaptureTime": "2019-02-12T07:29:16.288Z",
  "configurationStateId": 1549956556288,
  "awsAccountId": "111122223333",
  "configurationItemStatus": "OK",
  "resourceType": "AWS::S3::Bucket",
  "resourceId": "delivered-bucket",
  "resourceName": "delivered-bucket",
  "ARN": "arn:aws:s3:::delivered-bucket",
  "awsRegion": "us-east-1",
  "availabilityZone": "Regional",
  "resourceCreationTime": "2019-02-12T07:21:45.000Z"
}`

func TestRPGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"s3:*", "s3:GetObject", true},
		{"S3:get*", "s3:GetObject", true},
		{"s3:Get*", "s3:PutObject", false},
		{"*", "lambda:InvokeFunction", true},
		{"s3:?etObject", "s3:GetObject", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/any-object", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::b/any-object", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b/any-object", true},
		{"s3:*Object*", "s3:PutObjectAcl", true},
		{"", "s3:GetObject", false},
	} {
		if got := rpGlob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("rpGlob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestRPPublicAllow(t *testing.T) {
	for _, tc := range []struct {
		name, statement string
		want            bool
	}{
		{"star", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}`, true},
		{"AWS star list", `{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"s3:GetObject"}`, true},
		{"wildcard account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"s3:GetObject"}`, true},
		{"NotPrincipal", `{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject"}`, true},
		{"deny", `{"Effect":"Deny","Principal":"*","Action":"s3:*"}`, false},
		{"one account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject"}`, false},
		{"service", `{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject"}`, false},
		{"source account", `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`, false},
		{"source arn AWS: spelling", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}}`, false},
		{"org", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-abc123"]}}}`, false},
		{"vpce", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}}`, false},
		{"source ip range", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`, false},
		{"any ip", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}`, true},
		{"wildcard org", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}}`, true},
		{"IfExists", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}}`, true},
		{"negated", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}`, true},
		{"unrelated key", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, true},
		{"API Gateway source ARN with a wildcard path", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:111122223333:abc/*/GET/"}}}`, false},
		{"source ARN of any account", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:*:topic"}}}`, true},
		{"any bucket", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}}`, true},
		{"one of several values is a wildcard", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:SourceAccount":["111122223333","*"]}}}`, true},
		{"url auth type", `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var st map[string]any
			if err := json.Unmarshal([]byte(tc.statement), &st); err != nil {
				t.Fatal(err)
			}
			if _, got := rpPublicAllow(st); got != tc.want {
				t.Errorf("public = %v, want %v", got, tc.want)
			}
		})
	}
}
