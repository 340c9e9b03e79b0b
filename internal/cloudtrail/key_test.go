package cloudtrail

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-sec/vigil/internal/vigil"
)

func TestParseKey(t *testing.T) {
	const (
		logName    = "111122223333_CloudTrail_us-east-1_20201023T1000Z_9nYN7gp2eWAJHIfT.json.gz"
		digestName = "111122223333_CloudTrail-Digest_us-east-1_management_us-east-1_20201023T100501Z.json.gz"
	)
	p := vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2020-10-23"}
	for _, tc := range []struct {
		name, path string
		want       Key
		ok         bool
	}{
		{"log", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName,
			Key{Kind: KindLog, Partition: p, Rel: "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName}, true},
		{"bucket prefix", "trails/prod/AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName,
			Key{Kind: KindLog, Partition: p, Rel: "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName}, true},
		{"s3 URL", "s3://example-trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName,
			Key{Kind: KindLog, Partition: p, Rel: "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName}, true},
		{"local absolute path", "/data/bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName,
			Key{Kind: KindLog, Partition: p, Rel: "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName}, true},
		{"organization trail", "AWSLogs/o-aa111bb222/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName,
			Key{Kind: KindLog, OrgID: "o-aa111bb222", Partition: p, Rel: "AWSLogs/o-aa111bb222/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName}, true},
		{"digest", "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2020/10/23/" + digestName,
			Key{Kind: KindDigest, Partition: p, Rel: "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2020/10/23/" + digestName}, true},
		{"organization digest", "AWSLogs/o-aa111bb222/111122223333/CloudTrail-Digest/us-east-1/2020/10/23/" + digestName,
			Key{Kind: KindDigest, OrgID: "o-aa111bb222", Partition: p, Rel: "AWSLogs/o-aa111bb222/111122223333/CloudTrail-Digest/us-east-1/2020/10/23/" + digestName}, true},
		{"insight", "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2020/10/23/111122223333_CloudTrail-Insight_us-east-1_20201023T1005Z_abc.json.gz",
			Key{Kind: KindLog, Partition: p, Rel: "AWSLogs/111122223333/CloudTrail-Insight/us-east-1/2020/10/23/111122223333_CloudTrail-Insight_us-east-1_20201023T1005Z_abc.json.gz"}, true},
		{"windows path", `C:\logs\AWSLogs\111122223333\CloudTrail\us-east-1\2020\10\23\` + logName,
			Key{Kind: KindLog, Partition: p, Rel: "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName}, true},
		{"other region and leap day", "AWSLogs/444455556666/CloudTrail/ap-northeast-2/2020/02/29/x.json.gz",
			Key{Kind: KindLog, Partition: vigil.Partition{Account: "444455556666", Region: "ap-northeast-2", Date: "2020-02-29"}, Rel: "AWSLogs/444455556666/CloudTrail/ap-northeast-2/2020/02/29/x.json.gz"}, true},
		{"last AWSLogs wins", "AWSLogs/backup/AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName,
			Key{Kind: KindLog, Partition: p, Rel: "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName}, true},

		{"month 13", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/13/01/" + logName, Key{}, false},
		{"February 30", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/02/30/" + logName, Key{}, false},
		{"not a leap year", "AWSLogs/111122223333/CloudTrail/us-east-1/2019/02/29/" + logName, Key{}, false},
		{"day 00", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/00/" + logName, Key{}, false},
		{"one-digit month", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/1/23/" + logName, Key{}, false},
		{"two-digit year", "AWSLogs/111122223333/CloudTrail/us-east-1/20/10/23/" + logName, Key{}, false},
		{"letters in date", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/oc/23/" + logName, Key{}, false},
		{"11-digit account", "AWSLogs/11112222333/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"13-digit account", "AWSLogs/1111222233334/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"account with letters", "AWSLogs/11112222333a/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"myAWSLogs", "myAWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"prefix/myAWSLogs", "x/myAWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"lower-case awslogs", "awslogs/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"other service", "AWSLogs/111122223333/vpcflowlogs/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"lower-case cloudtrail", "AWSLogs/111122223333/cloudtrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"no file", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/", Key{}, false},
		{"day directory", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23", Key{}, false},
		{"extra directory", "AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/sub/" + logName, Key{}, false},
		{"empty region", "AWSLogs/111122223333/CloudTrail//2020/10/23/" + logName, Key{}, false},
		{"dot-dot region", "AWSLogs/111122223333/CloudTrail/../2020/10/23/" + logName, Key{}, false},
		{"region with space", "AWSLogs/111122223333/CloudTrail/us east/2020/10/23/" + logName, Key{}, false},
		{"bad org ID", "AWSLogs/o-AA111BB222/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"short org ID", "AWSLogs/o-aa111/111122223333/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"org ID without account", "AWSLogs/o-aa111bb222/CloudTrail/us-east-1/2020/10/23/" + logName, Key{}, false},
		{"empty", "", Key{}, false},
		{"AWSLogs only", "AWSLogs/", Key{}, false},
		{"file outside layout", "/tmp/cloudtrail.json", Key{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseKey(tc.path)
			if ok != tc.ok {
				t.Fatalf("ParseKey(%q) ok = %t, want %t", tc.path, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseKey(%q) (-want +got):\n%s", tc.path, diff)
			}
		})
	}
}

func TestIsDigestName(t *testing.T) {
	for path, want := range map[string]bool{
		"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2020/10/23/x.json.gz":          true,
		"111122223333_CloudTrail-Digest_us-east-1_management_us-east-1_20201023.json.gz": true,
		"AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/x.json.gz":                 false,
	} {
		if got := IsDigestName(path); got != want {
			t.Errorf("IsDigestName(%q) = %t, want %t", path, got, want)
		}
	}
}

// TestPartitionFromKeyNotEvents: a file's partition is its delivery day and
// account from the key, even when its events say otherwise (late delivery,
// organization trails delivering member accounts' events).
func TestPartitionFromKeyNotEvents(t *testing.T) {
	k, ok := ParseKey("AWSLogs/o-aa111bb222/999988887777/CloudTrail/eu-west-1/2020/10/24/f.json.gz")
	if !ok {
		t.Fatal("key not parsed")
	}
	res := readAll(t, strings.NewReader(string(mustRead(t, "records_s3.json"))))
	if !errors.Is(res.End, io.EOF) || len(res.Events) == 0 {
		t.Fatalf("read fixture: %v", res.End)
	}
	want := vigil.Partition{Account: "999988887777", Region: "eu-west-1", Date: "2020-10-24"}
	if diff := cmp.Diff(want, k.Partition); diff != "" {
		t.Errorf("partition (-want +got):\n%s", diff)
	}
	ep, ok := EventPartition(&res.Events[0])
	if !ok || ep == k.Partition {
		t.Errorf("EventPartition = %+v, %t; want the event's own, different partition", ep, ok)
	}
}

func TestEventPartition(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    vigil.Event
		want vigil.Partition
		ok   bool
	}{
		{"recipient account", vigil.Event{RecipientAccountID: "111122223333", AWSRegion: "us-east-1", EventTime: "2020-10-23T23:59:59Z",
			UserIdentity: vigil.UserIdentity{AccountID: "444455556666"}},
			vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2020-10-23"}, true},
		{"identity account", vigil.Event{AWSRegion: "us-east-1", EventTime: "2020-10-23T00:00:00Z", UserIdentity: vigil.UserIdentity{AccountID: "444455556666"}},
			vigil.Partition{Account: "444455556666", Region: "us-east-1", Date: "2020-10-23"}, true},
		{"fractional seconds", vigil.Event{RecipientAccountID: "111122223333", AWSRegion: "us-east-1", EventTime: "2020-10-23T10:00:00.123Z"},
			vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2020-10-23"}, true},
		{"offset moves the UTC day", vigil.Event{RecipientAccountID: "111122223333", AWSRegion: "us-east-1", EventTime: "2020-10-23T23:30:00-02:00"},
			vigil.Partition{Account: "111122223333", Region: "us-east-1", Date: "2020-10-24"}, true},
		{"no time", vigil.Event{RecipientAccountID: "111122223333", AWSRegion: "us-east-1"},
			vigil.Partition{Account: "111122223333", Region: "us-east-1"}, false},
		{"bad time", vigil.Event{RecipientAccountID: "111122223333", AWSRegion: "us-east-1", EventTime: "2020-13-23T10:00:00Z"},
			vigil.Partition{Account: "111122223333", Region: "us-east-1"}, false},
		{"no account", vigil.Event{AWSRegion: "us-east-1", EventTime: "2020-10-23T10:00:00Z"},
			vigil.Partition{Region: "us-east-1", Date: "2020-10-23"}, false},
		{"unsafe region", vigil.Event{RecipientAccountID: "111122223333", AWSRegion: "../x", EventTime: "2020-10-23T10:00:00Z"},
			vigil.Partition{Account: "111122223333", Region: "../x", Date: "2020-10-23"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := EventPartition(&tc.e)
			if ok != tc.ok {
				t.Errorf("ok = %t, want %t", ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("partition (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{
		"AWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/111122223333_CloudTrail_us-east-1_20201023T1000Z_9nYN7gp2eWAJHIfT.json.gz",
		"prefix/AWSLogs/o-aa111bb222/111122223333/CloudTrail-Digest/us-east-1/2020/10/23/f.json.gz",
		`C:\AWSLogs\111122223333\CloudTrail-Insight\us-east-1\2020\02\29\f`,
		"AWSLogs/111122223333/CloudTrail/us-east-1/2020/13/01/f",
		"myAWSLogs/111122223333/CloudTrail/us-east-1/2020/10/23/f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		k, ok := ParseKey(path)
		if !ok {
			if k != (Key{}) {
				t.Fatalf("ParseKey(%q) = %+v, false; want zero Key", path, k)
			}
			return
		}
		if !k.Partition.Valid() || len(k.Partition.Account) != 12 || (k.Kind != KindLog && k.Kind != KindDigest) {
			t.Fatalf("ParseKey(%q) = %+v", path, k)
		}
		if !strings.HasPrefix(k.Rel, "AWSLogs/") || strings.Contains(k.Rel, `\`) {
			t.Fatalf("ParseKey(%q).Rel = %q", path, k.Rel)
		}
		// Rel parses to the same key: it is a stable name for the object.
		if k2, ok := ParseKey(k.Rel); !ok || k2 != k {
			t.Fatalf("ParseKey(%q) = %+v, but ParseKey(Rel) = %+v, %t", path, k, k2, ok)
		}
	})
}
