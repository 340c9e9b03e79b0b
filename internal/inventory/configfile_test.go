package inventory

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseConfigKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		ok   bool
		kind ConfigKind
		acct string
	}{
		{"logs/AWSLogs/111122223333/Config/us-east-1/2026/11/2/ConfigSnapshot/111122223333_Config_us-east-1_ConfigSnapshot_20261102T030405Z_abc.json.gz", true, ConfigSnapshot, "111122223333"},
		{"AWSLogs/o-abcdefghij/111122223333/Config/eu-west-1/2026/1/15/ConfigHistory/111122223333_Config_eu-west-1_ConfigHistory_AWS::S3::Bucket_20260115T000000Z_20260115T060000Z_1.json.gz", true, ConfigHistory, "111122223333"},
		{"AWSLogs/111122223333/Config/ConfigWritabilityCheckFile", false, 0, ""},
		{"AWSLogs/111122223333/Config/us-east-1/2026/1/1/OversizedChangeNotification/x.json.gz", true, ConfigOther, "111122223333"},
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/01/x.json.gz", false, 0, ""},
	} {
		k, ok := ParseConfigKey(tc.key)
		if ok != tc.ok || (ok && (k.Kind != tc.kind || k.Account != tc.acct)) {
			t.Errorf("%s: got %+v %v", tc.key, k, ok)
		}
	}
}

// TestReadConfigSamples reads AWS Config's own sample items (both
// spellings, from awslabs/aws-config-rdk; see testdata/README.md).
func TestReadConfigSamples(t *testing.T) {
	files, _ := filepath.Glob("testdata/config-items/*.json")
	if len(files) == 0 {
		t.Fatal("no samples")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		cf, err := ReadConfigFile(bytes.NewReader(b))
		if strings.Contains(f, "invalid") {
			if err == nil {
				t.Errorf("%s: no error", f)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(cf.Items) != 1 || len(cf.Bad) != 0 {
			t.Errorf("%s: %d items, bad %v", f, len(cf.Items), cf.Bad)
			continue
		}
		it := cf.Items[0]
		if it.ARN == "" && it.ResourceType != "AWS::S3::AccountPublicAccessBlock" || it.AccountID == "" || it.Conf() == nil {
			t.Errorf("%s: %+v", f, it)
		}
	}
}

func TestReadConfigSnapshotFile(t *testing.T) {
	doc := `{"fileVersion":"1.0","configSnapshotId":"snap-1","configurationItems":[
	  {"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-02T03:04:05.000Z","configurationStateId":1,"awsAccountId":"111122223333","configurationItemStatus":"OK","resourceType":"AWS::S3::Bucket","resourceId":"b1","ARN":"arn:aws:s3:::b1","awsRegion":"us-east-1","configuration":{"name":"b1"},"supplementaryConfiguration":{"BucketPolicy":{"policyText":"{}"}},"tags":{"env":"prod"}},
	  {"version":"1.3","configurationItemCaptureTime":"2026-11-02T03:04:05Z","accountId":"111122223333","configurationItemStatus":"OK","resourceType":"AWS::EC2::VPC","resourceId":"vpc-1","arn":"arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1","awsRegion":"us-east-1","configuration":"{\"isDefault\":true}"},
	  {"resourceType":"AWS::EC2::VPC","resourceId":"vpc-2"}
	]}`
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(doc))
	w.Close()
	cf, err := ReadConfigFile(&gz)
	if err != nil {
		t.Fatal(err)
	}
	if cf.SnapshotID != "snap-1" || len(cf.Items) != 2 || len(cf.Bad) != 1 || !strings.Contains(cf.Bad[0], "item 3") {
		t.Fatalf("%+v", cf)
	}
	if cf.Items[0].ARN != "arn:aws:s3:::b1" || cf.Items[0].Tags["env"] != "prod" || cf.Items[0].StateID != "1" {
		t.Errorf("delivery spelling: %+v", cf.Items[0])
	}
	if v, ok := Bool(cf.Items[1].Conf(), "isDefault"); !ok || !v {
		t.Errorf("configuration as a string: %s", cf.Items[1].Configuration)
	}
	if _, err := ReadConfigFile(strings.NewReader("not json")); err == nil {
		t.Error("no error on garbage")
	}
}

func FuzzReadConfigFile(f *testing.F) {
	f.Add([]byte(`{"configurationItems":[{"resourceType":"AWS::S3::Bucket","configuration":"{}"}]}`))
	f.Add([]byte(`[{"configurationItemCaptureTime":1549956556288,"tags":[{"key":"a","value":"b"}]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadConfigFile(bytes.NewReader(b))
	})
}
