package ingest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-sec/vigil/internal/lake"
)

// TestIngestConfigFiles ingests AWS Config's delivered snapshot and
// history files beside CloudTrail, incrementally, and reports a broken
// one without losing the others.
func TestIngestConfigFiles(t *testing.T) {
	root, lakeDir := t.TempDir(), t.TempDir()
	base := filepath.Join(root, "AWSLogs", "111122223333", "Config", "us-east-1", "2026", "11", "2")
	snap := `{"fileVersion":"1.0","configSnapshotId":"6e1f","configurationItems":[
	  {"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-02T03:04:05.000Z","configurationStateId":1,"awsAccountId":"111122223333","configurationItemStatus":"OK","resourceType":"AWS::S3::Bucket","resourceId":"logs","ARN":"arn:aws:s3:::logs","awsRegion":"us-east-1","configuration":{"name":"logs"},"supplementaryConfiguration":{"PublicAccessBlockConfiguration":{"blockPublicAcls":true}}},
	  {"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-02T03:04:05.000Z","configurationStateId":2,"awsAccountId":"111122223333","configurationItemStatus":"OK","resourceType":"AWS::IAM::User","resourceId":"AIDA1","ARN":"arn:aws:iam::111122223333:user/alice","awsRegion":"global","configuration":{"userName":"alice"}}]}`
	hist := `{"fileVersion":"1.0","configurationItems":[
	  {"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-02T05:00:00.000Z","configurationStateId":3,"awsAccountId":"111122223333","configurationItemStatus":"OK","resourceType":"AWS::S3::Bucket","resourceId":"logs","ARN":"arn:aws:s3:::logs","awsRegion":"us-east-1","configuration":{"name":"logs"},"supplementaryConfiguration":{"PublicAccessBlockConfiguration":{"blockPublicAcls":false}}},
	  {"resourceType":"AWS::S3::Bucket","resourceId":"no-account"}]}`
	writeFile(t, filepath.Join(base, "ConfigSnapshot", "111122223333_Config_us-east-1_ConfigSnapshot_20261102T030405Z_6e1f.json.gz"), gz(t, []byte(snap)))
	writeFile(t, filepath.Join(base, "ConfigHistory", "111122223333_Config_us-east-1_ConfigHistory_AWS::S3::Bucket_20261102T050000Z_20261102T060000Z_1.json.gz"), gz(t, []byte(hist)))
	writeFile(t, filepath.Join(base, "ConfigHistory", "111122223333_Config_us-east-1_ConfigHistory_AWS::EC2::VPC_20261102T050000Z_20261102T060000Z_1.json.gz"), []byte("\x1f\x8bbroken"))
	writeFile(t, filepath.Join(root, "AWSLogs", "111122223333", "Config", "ConfigWritabilityCheckFile"), []byte("x"))
	writeCT(t, root, ctFile{account: "111122223333", region: "us-east-1", day: "2026/11/02", n: 3})

	st, err := ingestDir(t, lakeDir, root)
	if err == nil {
		t.Fatal("no error for the broken Config file")
	}
	if st.ConfigItems != 3 || st.Events != 3 || st.Failed != 1 || st.BadRecords != 1 {
		t.Fatalf("stats %+v", st)
	}
	var broken bool
	for _, e := range st.Errors {
		broken = broken || (strings.Contains(e.File, "AWS::EC2::VPC") && !e.Record)
	}
	if !broken {
		t.Errorf("errors %+v do not name the broken file", st.Errors)
	}
	again, _ := ingestDir(t, lakeDir, root)
	if again.ConfigItems != 0 || again.AlreadyDone < 3 {
		t.Errorf("second run %+v", again)
	}

	eng, err := lake.OpenEngine(t.Context(), lakeDir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	res, err := eng.Query(t.Context(), `select count(*), count(distinct source) from auditing.config_items`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows[0][0].(int64) != 3 || res.Rows[0][1].(int64) != 2 {
		t.Errorf("config_items rows %v", res.Rows)
	}
	// The newest state of each resource comes from the history file.
	items, _, err := eng.SnapshotItems(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := items["111122223333"]
	if len(got) != 2 {
		t.Fatalf("newest snapshot: %d items", len(got))
	}
	for _, it := range got {
		if it.ResourceType == "AWS::S3::Bucket" && !strings.Contains(string(it.SupplementaryConfiguration["PublicAccessBlockConfiguration"]), "false") {
			t.Errorf("bucket state is not the newest: %s", it.SupplementaryConfiguration["PublicAccessBlockConfiguration"])
		}
	}
	if other, _, err := eng.SnapshotItems(t.Context(), []string{"444455556666"}); err != nil || len(other) != 0 {
		t.Errorf("another account's snapshot: %d accounts, err %v", len(other), err)
	}
	if mine, _, err := eng.SnapshotItems(t.Context(), []string{"111122223333"}); err != nil || len(mine["111122223333"]) != 2 {
		t.Errorf("the account's own snapshot: %v, err %v", mine, err)
	}
	ch, err := eng.Query(t.Context(), `select change_type, resource_id from auditing.config_changes order by changed_at, resource_id`, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Rows) != 3 || ch.Rows[2][0] != "UPDATE" || ch.Rows[2][1] != "logs" {
		t.Errorf("config_changes %v", ch.Rows)
	}
}
