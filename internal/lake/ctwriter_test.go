package lake

import (
	"fmt"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/vigil"
)

const fullEvent = `{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROA1:alice",
"arn":"arn:aws:sts::111122223333:assumed-role/Admin/alice","accountId":"111122223333","accessKeyId":"ASIA1",
"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA1","arn":"arn:aws:iam::111122223333:role/Admin",
"accountId":"111122223333","userName":"Admin"},"webIdFederationData":{"federatedProvider":"arn:aws:iam::111122223333:oidc-provider/x","attributes":{"aud":"sts"}},
"attributes":{"creationDate":"2020-10-23T09:00:00Z","mfaAuthenticated":"true"},"ec2RoleDelivery":"2.0"},
"credentialId":"cred-1"},"eventTime":"2020-10-23T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",
"awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":"데이터-agent","requestParameters":{"bucketName":"b","key":"k"},
"responseElements":null,"additionalEventData":{"bytesTransferredOut":5},"requestID":"r1","eventID":"e1","readOnly":"True",
"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"},{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"}],
"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","sharedEventID":"s1",
"vpcEndpointId":"vpce-1","eventCategory":"Data","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"b.s3.amazonaws.com"},
"newTopLevelKey":[1,2]}`

func writeEvents(t *testing.T, dir string, p vigil.Partition, events []vigil.Event) {
	t.Helper()
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	tx, err := l.Begin()
	if err != nil {
		t.Fatal(err)
	}
	w := NewCloudTrailWriter(tx, WriterOptions{RowGroupRows: 7})
	if err := w.Write(p, "AWSLogs/x.json.gz", events); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func query(t *testing.T, dir, q string) [][]any {
	t.Helper()
	e, err := OpenEngine(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := e.Query(t.Context(), q, 0)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return res.Rows
}

func TestCloudTrailRoundTrip(t *testing.T) {
	var ev vigil.Event
	if err := cloudtrail.ParseEvent([]byte(fullEvent), &ev); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// An empty lake answers with the full schema and no rows.
	if got := query(t, dir, "select count(*), count(useridentity.sessioncontext.sessionissuer.username) from auditing.cloudtrail"); got[0][0] != int64(0) {
		t.Fatalf("empty lake count = %v", got)
	}
	writeEvents(t, dir, vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2020-10-23"}, []vigil.Event{ev})
	got := query(t, dir, `select useridentity.type, useridentity.sessioncontext.sessionissuer.username,
		useridentity.sessioncontext.attributes.mfaauthenticated, useridentity.sessioncontext.webidfederationdata.attributes['aud'],
		useridentity.username is null, errorcode is null, responseelements is null, readonly, vigil_managementevent,
		json_extract_scalar(requestparameters, '$.bucketName'), resources[2].arn, resources[1].accountid is null,
		tlsdetails.tlsversion, useragent, json_extract(vigil_extra, '$.newTopLevelKey')::varchar,
		json_extract_scalar(vigil_extra, '$."userIdentity.credentialId"'), vigil_source, account, region, date,
		typeof(date), typeof(account)
		from "auditing"."cloudtrail"`)
	want := [][]any{{"AssumedRole", "Admin", "true", "sts", true, true, true, "true", "false", "b", "arn:aws:s3:::b", true,
		"TLSv1.3", "데이터-agent", "[1,2]", "cred-1", "AWSLogs/x.json.gz", "111122223333", "us-east-1", "2020-10-23", "VARCHAR", "VARCHAR"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row (-want +got):\n%s", diff)
	}
}

// TestSeedDateQueries runs the baseline's three queries verbatim: string
// comparison on date, with partition pruning.
func TestSeedDateQueries(t *testing.T) {
	dir := t.TempDir()
	for i, d := range []string{"2019-12-31", "2020-01-01", "2020-09-30", "2020-10-01", "2020-10-23", "2020-10-24", "2021-01-05"} {
		var events []vigil.Event
		for j := 0; j <= i; j++ {
			events = append(events, vigil.Event{EventID: fmt.Sprintf("%d-%d", i, j), EventTime: d + "T00:00:00Z"})
		}
		writeEvents(t, dir, vigil.Partition{Account: "111122223333", Region: "eu-west-1", Date: d}, events)
	}
	for _, tc := range []struct {
		q     string
		want  int64
		files string // partitions read: pruning works through the string predicate
	}{
		{"Select count(*) from auditing.cloudtrail where date > '2020'", 2 + 3 + 4 + 5 + 6 + 7, "6"},
		{"Select count(*) from auditing.cloudtrail where date > '2020-10'", 4 + 5 + 6 + 7, "4"},
		{"Select count(*) from auditing.cloudtrail where date > '2020-10-23'", 6 + 7, "2"},
	} {
		if got := query(t, dir, tc.q); got[0][0] != tc.want {
			t.Errorf("%s = %v, want %d", tc.q, got[0][0], tc.want)
		}
		plan := fmt.Sprint(query(t, dir, "explain analyze "+tc.q))
		m := regexp.MustCompile(`Total Files Read: (\d+)`).FindStringSubmatch(plan)
		if m == nil || m[1] != tc.files {
			t.Errorf("%s read %v files, want %s (of 7): pruning failed\n%s", tc.q, m, tc.files, plan)
		}
	}
}

func TestCompactKeepsSchema(t *testing.T) {
	dir := t.TempDir()
	p := vigil.Partition{Account: "011122223333", Region: "us-east-1", Date: "2020-10-23"}
	var ev vigil.Event
	if err := cloudtrail.ParseEvent([]byte(fullEvent), &ev); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		ev.EventID = fmt.Sprint(i)
		writeEvents(t, dir, p, []vigil.Event{ev})
	}
	before := query(t, dir, "select * exclude (vigil_source) from auditing.cloudtrail order by eventid")
	l, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Compact(t.Context(), l, TableCloudTrail, []vigil.Partition{p})
	l.Close()
	if err != nil || n != 1 {
		t.Fatalf("Compact = %d, %v", n, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, PartitionDir(TableCloudTrail, p), "*.parquet"))
	if len(files) != 1 {
		t.Fatalf("files after compaction: %v", files)
	}
	// Partition values live in the path only: the merged file must not
	// carry them (DuckDB would have turned the account into a number).
	cols := query(t, dir, "select column_name from (describe select * from read_parquet('"+files[0]+"', hive_partitioning = false))")
	for _, c := range cols {
		if c[0] == "account" || c[0] == "region" || c[0] == "date" {
			t.Errorf("compacted file stores partition column %v", c[0])
		}
	}
	after := query(t, dir, "select * exclude (vigil_source) from auditing.cloudtrail order by eventid")
	if b, a := fmt.Sprint(before), fmt.Sprint(after); b != a || len(after) != 3 {
		t.Errorf("rows changed by compaction:\nbefore %s\nafter  %s", b, a)
	}
	if got := query(t, dir, "select distinct account from auditing.cloudtrail"); got[0][0] != "011122223333" {
		t.Errorf("account = %v, want the leading zero kept", got)
	}
}
