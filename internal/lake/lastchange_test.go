package lake

import (
	"fmt"
	"testing"
	"time"

	"github.com/vigil-sec/vigil/internal/cloudtrail"
	"github.com/vigil-sec/vigil/internal/vigil"
)

// TestLastChanges finds the newest successful write event that names a
// resource: not a read, not a failed call, not another account's.
func TestLastChanges(t *testing.T) {
	dir := t.TempDir()
	day := time.Now().UTC().AddDate(0, 0, -2)
	p := vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: day.Format("2006-01-02")}
	ev := func(id, name, when, params, readOnly, errCode, who string) vigil.Event {
		var e vigil.Event
		raw := fmt.Sprintf(`{"eventVersion":"1.08","eventTime":%q,"eventSource":"ec2.amazonaws.com","eventName":%q,"awsRegion":"us-east-1",
			"sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2","userIdentity":{"type":"IAMUser","arn":%q},
			"requestParameters":%s,"eventID":%q,"readOnly":%s,"recipientAccountId":"111122223333"%s}`,
			when, name, who, params, id, readOnly, errCode)
		if err := cloudtrail.ParseEvent([]byte(raw), &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	ts := func(h int) string { return day.Add(time.Duration(h) * time.Hour).Format(time.RFC3339) }
	writeEvents(t, dir, p, []vigil.Event{
		ev("e1", "AuthorizeSecurityGroupIngress", ts(1), `{"groupId":"sg-0abc1234"}`, "false", "", "arn:aws:iam::111122223333:user/alice"),
		ev("e2", "AuthorizeSecurityGroupIngress", ts(3), `{"groupId":"sg-0abc1234"}`, "false", "", "arn:aws:iam::111122223333:user/mallory"),
		ev("e3", "DescribeSecurityGroups", ts(4), `{"groupId":"sg-0abc1234"}`, "true", "", "arn:aws:iam::111122223333:user/bob"),
		ev("e4", "RevokeSecurityGroupIngress", ts(5), `{"groupId":"sg-0abc1234"}`, "false", `,"errorCode":"UnauthorizedOperation"`, "arn:aws:iam::111122223333:user/eve"),
		ev("e5", "PutBucketPolicy", ts(2), `{"bucketName":"payroll"}`, "false", "", "arn:aws:iam::111122223333:role/deploy"),
	})
	eng, err := OpenEngine(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	got, err := eng.LastChanges(t.Context(), "111122223333", []string{"sg-0abc1234", "payroll", "sg-unknown", "ab"}, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if c := got["sg-0abc1234"]; c.EventID != "e2" || c.Principal != "arn:aws:iam::111122223333:user/mallory" || c.SourceIP != "203.0.113.9" {
		t.Errorf("sg: %+v", c)
	}
	if c := got["payroll"]; c.EventID != "e5" || c.EventName != "PutBucketPolicy" {
		t.Errorf("bucket: %+v", c)
	}
	if len(got) != 2 {
		t.Errorf("%d changes: %+v", len(got), got)
	}
	other, err := eng.LastChanges(t.Context(), "444455556666", []string{"sg-0abc1234"}, 30*24*time.Hour)
	if err != nil || len(other) != 0 {
		t.Errorf("another account: %+v %v", other, err)
	}
}
